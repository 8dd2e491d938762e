"""Pages of document collection: the client's documents and intake, the staff review and dashboard, templates."""
