"""Fixtures for `make prod-check`: the topology (once per run), the test process pointed at the
same database and bucket, and Chromium that reaches portal.test through the proxy over HTTPS,
trusting only the throwaway certificate (by its public key)."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from portal_app.services.kernel import db as portal_db
from portal_app.services.kernel.settings import reset_settings
from tests.production.topology import HOST, Topology

CHROMIUM = "/usr/bin/chromium"
TEST_SECONDS = int(os.environ.get("PRODCHECK_TEST_SECONDS", "420"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "prod-check"


@pytest.fixture(scope="session")
def topology():
    for tool, package in ((CHROMIUM, "chromium"), (shutil.which("nginx") or "/usr/sbin/nginx", "nginx")):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: `make prod-check` installs Debian's {package} package")
    folder = Path(tempfile.mkdtemp(prefix="prodcheck-"))
    running = Topology(folder).start()
    print(f"\nprod-check topology up: {running.timings} at {running.url}; logs in {folder}")
    try:
        yield running
    finally:
        running.stop()
        if os.environ.get("PRODCHECK_KEEP_LOGS") != "1":
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def same_place_as_the_workers(topology, portal_env, monkeypatch):
    """This process reads and writes the workers' database and bucket, with their keys."""
    for key, value in topology.env.items():
        if key.startswith(("PORTAL_", "AWS_", "REFLEX_REDIS")):
            monkeypatch.setenv(key, value)
    reset_settings()
    yield
    portal_db.dispose_engines()


@pytest.fixture(autouse=True)
def watchdog():
    """A test that hangs (seen once: Chromium's context.close() after a worker died mid-upload,
    on a machine at load 18) fails after TEST_SECONDS instead of holding CI until its limit."""
    def expired(_signum, _frame):
        raise TimeoutError(f"prod-check test ran longer than {TEST_SECONDS}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def both_workers_up(topology):
    """Restart any worker a test killed, so the next test finds both."""
    yield topology
    for name, worker in topology.workers.items():
        if worker.proc is None or worker.proc.poll() is not None:
            topology.start_worker(name)


def _launch(playwright, topology, address: str):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", f"--host-resolver-rules=MAP {HOST} {address}",
              f"--ignore-certificate-errors-spki-list={topology.site_cert.spki_sha256}"])


@pytest.fixture(scope="session")
def browsers(topology):
    """Two Chromiums: one reaches the proxy from 127.0.0.1, the other from ::1 (another person)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        v4, v6 = _launch(p, topology, "127.0.0.1"), _launch(p, topology, "[::1]")
        yield {"v4": v4, "v6": v6, "devices": p.devices}
        with contextlib.suppress(Exception):
            v4.close()
            v6.close()


def new_page(browsers, topology, *, phone: bool = False, which: str = "v4", headers: dict | None = None):
    options = {}
    if phone:
        options = {k: v for k, v in browsers["devices"]["iPhone 13"].items() if k != "default_browser_type"}
    context = browsers[which].new_context(base_url=topology.url, extra_http_headers=headers or None, **options)
    context.set_default_timeout(30_000)
    return context.new_page()


@pytest.fixture
def page(browsers, topology, request):
    created = new_page(browsers, topology)
    yield created
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            created.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    created.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
