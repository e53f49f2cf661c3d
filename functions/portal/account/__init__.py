"""Your own account: profile, time zone, recent sign-ins, signed-in devices."""
