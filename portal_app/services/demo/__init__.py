"""Demo data for a first run: staff, clients, matters, documents and invoices in realistic states."""
