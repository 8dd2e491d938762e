"""Support requests ("I need help"): routed by topic to a person the firm names, with an SLA per topic."""
