"""Engagement letters: the client reads and signs a matter's fee agreement; staff edit the
templates; the client home's "to sign" section."""
