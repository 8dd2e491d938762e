"""Fixtures shared by the integration tests: moto's S3 server and a bucket on it (tests/moto_s3.py)."""
from tests.moto_s3 import moto_server, s3_settings  # noqa: F401 - fixtures
