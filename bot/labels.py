"""What staff screens call each stored value (the dashboard and the staff desk on Telegram), as
gettext message ids: one title per value, translated once."""

from __future__ import annotations

from bot.i18n import N_

STATUS = {"new": N_("New"), "assigned": N_("Assigned"), "contacted": N_("Contacted"),
          "in_progress": N_("In progress"), "referred": N_("Referred"), "closed": N_("Closed")}
PRIORITY = {"urgent": N_("Urgent"), "high": N_("High"), "normal": N_("Normal")}
CLOSING = {"support_completed": N_("Support completed"), "cancelled": N_("Cancelled"),
           "dropout": N_("Dropped out"), "duplicate": N_("Duplicate"),
           "not_reachable": N_("Could not be reached"), "erased": N_("Erased on request")}
NEED = {"business": N_("Business"), "skills": N_("Skills training"), "job": N_("Job"),
        "counselling": N_("Counselling"), "medical": N_("Medical"), "legal": N_("Legal help"),
        "loan": N_("Loan")}
GENDER = {"female": N_("Female"), "male": N_("Male"), "other": N_("Other"),
          "prefer_not": N_("Prefer not to say"), "unknown": N_("Not known")}
KIND = {"registration": N_("Registration"), "handoff": N_("Wants a person"),
        "urgent": N_("Urgent help")}
DECISION = {"eligible": N_("Eligible"), "not_eligible": N_("Not eligible"),
            "needs_assessment": N_("Needs assessment")}
EVENT = {"created": N_("Created"), "assigned": N_("Assigned"), "accepted": N_("Accepted"),
         "status": N_("Status changed"), "note": N_("Note"), "reply": N_("Reply sent"),
         "viewed": N_("Viewed"), "escalated": N_("Escalated"), "updated": N_("Updated by person"),
         "imported": N_("Imported"), "urgent": N_("Urgent request"),
         "handoff": N_("Asked for a person"), "anonymised": N_("Anonymised")}
ROLE = {"admin": N_("Admin"), "manager": N_("Manager"), "organizer": N_("Field organizer")}
CAMPAIGN_STATUS = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "sending": N_("Sending"),
                   "done": N_("Done"), "cancelled": N_("Cancelled")}
LANGUAGE = {"bn": N_("Bangla"), "en": N_("English"), "banglish": N_("Banglish")}
CHANNEL = {"sms": N_("SMS"), "whatsapp": N_("WhatsApp"), "telegram": N_("Telegram"),
           "messenger": N_("Messenger")}
# A campaign's progress, in the order the bar draws it.
PROGRESS = {"sent": N_("Sent"), "failed": N_("Failed"), "skipped": N_("Skipped"),
            "pending": N_("Pending"), "cancelled": N_("Cancelled")}
