"""Reminders and digests: what is due for whom, collected hourly and sent as one digest per person per day."""
