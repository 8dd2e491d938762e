"""Pages of the background loop: job status for admins."""
