"""Bookings: meetings from Google Calendar, Cal.com and Calendly in one list per organisation."""
