"""Matters (cases): opening, reading, assigning, the clients and employers they belong to, and their deadlines."""
