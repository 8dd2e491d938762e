"""Browser tests: the real portal (`reflex run --env prod`, one port) on a fresh SQLite database
with the demo data, driven by Playwright in Debian's headless Chromium."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal_app.services.kernel.settings import reset_settings
from tests.e2e.helpers import slow_phone_cpu

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CPU_SLOWDOWN = float(os.environ.get("PORTAL_E2E_CPU_SLOWDOWN", "1"))
BUILD_TIMEOUT = float(os.environ.get("PORTAL_E2E_BUILD_TIMEOUT", "900"))


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _toolchain_env(env: dict[str, str]) -> dict[str, str]:
    tools = ROOT / "tools" / "node_modules" / ".bin"
    env["PATH"] = f"{tools}:{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env.setdefault("REFLEX_BUN_PATH", str(tools / "bun"))
    env.setdefault("REFLEX_DIR", str(ROOT / "tools" / "reflex-home"))
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org")
    env["REFLEX_TELEMETRY_ENABLED"] = "false"
    env["REFLEX_CHECK_LATEST_VERSION"] = "false"
    return env


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the portal exited while starting:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the portal did not start within {BUILD_TIMEOUT:.0f}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    port, data = _free_port(), tmp_path_factory.mktemp("e2e-data")
    env = _toolchain_env(dict(os.environ))
    env.update({
        "PORTAL_ENV": "development", "PORTAL_DATA_DIR": str(data),
        "PORTAL_DATABASE_URL": f"sqlite:///{data / 'portal.db'}", "PORTAL_PUBLIC_URL": f"http://localhost:{port}",
        "PORTAL_JOBS_INTERVAL": "1", "REFLEX_STATES_WORKDIR": str(data / "states"),
    })
    for command in (["-m", "alembic", "upgrade", "head"], ["-m", "portal_app.cli", "setup"]):
        subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    _everyone_reads_english(env)
    log = data / "portal.log"
    # `reflex run` re-renders the committed lock files in bun's indented form (an export writes them
    # back in Reflex's one-line form): put them back as they were, as prod-check does
    locks = {path: path.read_bytes() for path in (ROOT / "reflex.lock").glob("*")}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "reflex", "run", "--env", "prod", "--frontend-port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://localhost:{port}"
    try:
        _wait_until_up(url, proc, log)
        yield Server(url=url, env=env, log=log)
    finally:
        _stop(proc)
        for path, data_bytes in locks.items():
            path.write_bytes(data_bytes)


def _everyone_reads_english(env: dict[str, str]) -> None:
    """The browser tests assert English text; the demo's María reads Spanish. Each language gets its
    own walk in tests/e2e/test_languages_in_browser.py, which sets the language it reads."""
    code = ("from sqlmodel import select\nfrom models import User\nfrom portal_app.services.kernel import db\n"
            "with db.write() as s:\n    [setattr(u, 'locale', 'en') for u in s.exec(select(User)).all()]")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)


def _stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(autouse=True)
def same_database_as_the_server(server, monkeypatch):
    """The test process reads the server's database (to find ids, links in the outbox)."""
    for key in ("PORTAL_ENV", "PORTAL_DATA_DIR", "PORTAL_DATABASE_URL", "PORTAL_PUBLIC_URL"):
        monkeypatch.setenv(key, server.env[key])
    reset_settings()


# What a person sees after an action may take a few seconds on a loaded 2-core machine (the page
# build, the state round trip): expect() waits up to 15 s for it (Playwright's default is 5 s).
def _patient_expect() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


_patient_expect()

CSP_VIOLATIONS: list[dict] = []
_WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) => window.__portalCspViolation({
  directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, page: location.pathname}));"""


class WatchedBrowser:
    """Chromium whose every context reports Content-Security-Policy violations to CSP_VIOLATIONS
    (the page's own `securitypolicyviolation` events); `csp_clean` fails a test that caused any."""

    def __init__(self, chromium) -> None:
        self._chromium = chromium

    def new_context(self, **options):
        context = self._chromium.new_context(**options)
        context.expose_binding("__portalCspViolation", lambda _source, report: CSP_VIOLATIONS.append(report))
        context.add_init_script(_WATCH_CSP)
        return context

    def __getattr__(self, name):
        return getattr(self._chromium, name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield WatchedBrowser(chromium), p.devices
        chromium.close()


@pytest.fixture(autouse=True)
def csp_clean():
    """No page a test visits may trip the Content-Security-Policy (a test that attacks it on purpose
    takes the reports it expects out of the list)."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    assert CSP_VIOLATIONS == [], f"Content-Security-Policy violations: {CSP_VIOLATIONS}"


@pytest.fixture
def page(browser, server, request):
    chromium, _devices = browser
    context = chromium.new_context(base_url=server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    if CPU_SLOWDOWN > 1:  # PORTAL_E2E_CPU_SLOWDOWN=6: a slow phone, to find what a test or a page races
        slow_phone_cpu(page, CPU_SLOWDOWN)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


HUNG_AFTER_SECONDS = 600  # the slowest browser test takes about two minutes


def pytest_collection_modifyitems(config, items):
    """A browser test stuck on a call that has no timeout of its own fails after ten minutes, with
    every thread's stack printed, and the run goes on; without this one hang held the whole run
    until CI's limit."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.timeout(HUNG_AFTER_SECONDS))

