"""Document collection: checklists per case type, intake forms, uploads checked by content, the review loop, expiring documents."""
