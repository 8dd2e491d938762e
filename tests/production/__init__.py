"""`make prod-check`: the production topology on real parts (TLS proxy, two portal workers,
PostgreSQL, Redis, S3, SMTP), started by topology.py and exercised through the proxy."""
