"""The books: the double-entry ledger, trust transfers, reports and three-way reconciliation."""
