"""The background loop's own records: job leases shared by several workers, job status for admins, pruning."""
