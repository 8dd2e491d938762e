"""Secure messages per matter (threads, messages, attachments, unread marks, assignment) and support requests."""
