"""Pages of billing: invoices, paying, receipts, trust, billing settings and webhooks."""
