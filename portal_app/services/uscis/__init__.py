"""USCIS: receipt numbers, the Case Status API adapter, polling, and what a status change means."""
