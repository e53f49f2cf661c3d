"""Message threads between a client organisation and the agency, with internal notes for staff."""
