"""Secure messages: a matter's thread (client on a phone, staff on a desktop) and the staff inbox."""
