"""Billing: invoices, payments through the processor, the trust and operating books, and the webhooks the firm's systems receive."""
