"""Understanding text: normalise, detect language, classify intent, extract entities."""
