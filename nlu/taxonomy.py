"""The fixed intent and entity names shared with the dialogue (shared/spec/intents.md)."""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "help_menu",
    "change_language",
    "human_handoff",
    "opt_out",
    "safe_migration_steps",
    "recruiting_agency_check",
    "migration_cost",
    "bmet_registration",
    "visa_documents",
    "pre_departure_training",
    "trafficking_warning",
    "emergency_abroad",
    "hotline_contacts",
    "remittance_channels",
    "remittance_incentive",
    "hundi_risk",
    "savings_investment",
    "loan_info",
    "reintegration_support",
    "register_returnee",
    "eligibility_question",
    "service_center_location",
    "psychosocial_support",
    "skills_training",
    "business_support",
    "ticket_status",
    "out_of_scope",
    # Added later (shared/spec/intents.md); each refines an older intent.
    "self_harm",
    "death_abroad",
    "stranded_abroad",
    "complaint_agency",
    "women_migration",
    "welfare_board",
    "destination_info",
)

# The intents a content topic answers, in both languages (`prottasha content check` requires
# one topic each).
INFORMATIONAL_INTENTS: tuple[str, ...] = (
    "safe_migration_steps", "recruiting_agency_check", "migration_cost", "bmet_registration",
    "visa_documents", "pre_departure_training", "trafficking_warning", "emergency_abroad",
    "hotline_contacts", "remittance_channels", "remittance_incentive", "hundi_risk",
    "savings_investment", "loan_info", "reintegration_support", "eligibility_question",
    "service_center_location", "psychosocial_support", "skills_training", "business_support",
    "stranded_abroad", "complaint_agency", "women_migration", "welfare_board", "destination_info",
)

# The older intent each later one refines: an evaluation made before it existed counts it as
# that one, and the dialogue answers with the older topic while the new one has none.
REFINES: dict[str, str] = {
    "self_harm": "psychosocial_support",
    "death_abroad": "emergency_abroad",
    "stranded_abroad": "emergency_abroad",
    "complaint_agency": "trafficking_warning",
    "women_migration": "safe_migration_steps",
    "welfare_board": "reintegration_support",
    "destination_info": "safe_migration_steps",
}

# Rasa's name for "the model is not sure"; the dialogue asks to rephrase or shows the menu.
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"

ENTITIES: tuple[str, ...] = ("district", "country", "amount", "phone")
LANGUAGES: tuple[str, ...] = ("bn", "en", "banglish")
