"""Onboarding (issue 12 item 6): the getting-started sequence an invitation starts (`sequence`,
its steps go out in the reminder digests), the client's three next steps on home (`next_steps`)."""
