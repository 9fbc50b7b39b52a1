"""Awareness campaigns: who is in a segment, the plan that goes to the outbox, quiet hours."""
