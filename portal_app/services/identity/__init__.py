"""Who people are: sign-in, sessions, passwords, throttling, invitations and resets, people and roles."""
