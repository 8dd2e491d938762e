"""Pages of identity: sign-in, passwords, invitations, sessions, people and roles."""
