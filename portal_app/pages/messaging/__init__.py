"""Pages of mail: each person's mail settings."""
