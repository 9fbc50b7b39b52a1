"""Multi-step conversations (the returnee questionnaire) as data plus small validators."""
