"""Google Calendar (v3): the adapter behind the bookings feature."""
