"""Onboarding pages: the next-steps card on the client's home and the quick-start guide."""
