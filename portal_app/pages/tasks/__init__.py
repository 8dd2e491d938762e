"""Pages of tasks: each staff member's task list."""
