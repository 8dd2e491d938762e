"""The domain: plain Python, never imports reflex. The only place that imports stripe, boto3
and cryptography. Every state-changing function takes the acting user first."""
