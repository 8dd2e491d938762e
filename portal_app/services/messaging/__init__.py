"""Mail: the outbox, senders (console or SMTP), the HTML part, what staff see of the mail, and each person's mail settings."""
