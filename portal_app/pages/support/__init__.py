"""Support requests: "I need help" for clients and signed-out visitors, the staff list, the firm's settings."""
