"""The kernel every domain stands on: database, settings, errors, translation, money, local time, tokens, the actor, the one permission table and the audit chain."""
