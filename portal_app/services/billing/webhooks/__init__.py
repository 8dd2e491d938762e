"""Outbound webhooks (Standard Webhooks): the messages, the endpoints admins register, and their delivery."""
