"""Payments: checkout, the processor (sandbox or Stripe), verified events in, what a payment does to the books, receipts, exports."""
