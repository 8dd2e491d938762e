"""moto's standalone S3 server, started by the tests on 127.0.0.1 (a real HTTP endpoint that boto3
talks to exactly as it would to S3). Import the fixtures into a test module to use them."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from portal_app.services.files import storage
from portal_app.services.kernel.settings import reset_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_server():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto's S3 server did not start")
            time.sleep(0.2)
    yield url
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


@pytest.fixture
def s3_settings(moto_server, monkeypatch):
    """Point the portal at a fresh bucket on the moto server; yields the S3Storage."""
    bucket = f"portal-{uuid.uuid4().hex[:10]}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": bucket, "PORTAL_S3_PREFIX": "firm-files",
                       "PORTAL_S3_REGION": "us-east-1", "PORTAL_S3_ENDPOINT_URL": moto_server}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    reset_settings()
    backend = storage.get_storage()
    backend.client.create_bucket(Bucket=bucket)
    yield backend
    reset_settings()


def all_objects(backend) -> list[str]:
    answer = backend.client.list_objects_v2(Bucket=backend.bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
