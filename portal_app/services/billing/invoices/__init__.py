"""Invoices: drafts, their life from draft to paid or void, templates and periodic billing, and what people see of them."""
