"""Staff tasks: opened by the work that needs them, closed by the work that finishes them, and each person's list."""
