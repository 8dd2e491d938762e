"""Many clients on ONE portal worker: `reflex run --env prod --backend-only` (one granian worker,
the in-memory state manager) on a fresh SQLite database with the demo data, loaded by tabs that
speak the portal's real websocket protocol (bench/socket_client.py). Loopback only; the worker is
stopped at the end, whatever happens.

Each tab is a signed-in client (its own session cookie; the demo's clients in turn) that opens
its home page (the websocket's connect carries the hydrate, the page's on_load runs) and then
changes to its matter's documents page inside the app, as a phone does, and stays connected.

Floor: one client alone doing the same, ROUNDS times, on the same worker in the same run.
Crowd: CLIENTS tabs whose arrivals are spread evenly over RAMP seconds (a firm's clients do not
all press at the same millisecond), each waiting a random moment of up to THINK seconds between
home and documents. Figures: the p95 of every page load's latency (event sent -> page loaded)
against the floor's p95 (goal at most 3x), the same p95 against 300 ms, and the worker's memory
per connected client (resident memory with every tab connected and loaded, minus the resident
memory after the floor's run, divided by CLIENTS; goal under 2 MB), and, reported only, the
worker's CPU time per visit in the crowd against one visit alone (from /proc: on a shared machine
latency says how busy the machine was, CPU time what a visit costs; it includes the background job
loop every worker runs). The tab sends no hashes of compiled initial state with its hydrate (a
browser's first connect does), so it gets the whole state tree as a reconnect does: a little more
than a first visit costs."""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import select

from bench.common import database
from bench.results import Figure
from bench.socket_client import Page, Tab
from models import Client, Matter, User, utcnow
from portal_app.components.deadline_views import UpcomingDatesState
from portal_app.pages.billing.widgets import InvoicesState
from portal_app.pages.conversations.widgets import ClientMessagesState
from portal_app.pages.documents.client_documents import DocumentsState
from portal_app.pages.documents.intake_widget import IntakeToDoState
from portal_app.pages.documents.widgets import NeededDocumentsState
from portal_app.pages.matters.client_home import ClientHomeState
from portal_app.services.demo.seed import CLIENTS as DEMO_CLIENTS
from portal_app.services.identity import auth
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import get_settings
from tests.production.processes import ROOT, Worker, free_port, toolchain_env, wait_for

CLIENTS, RAMP, THINK, ROUNDS = 200, 60.0, 5.0, 10
SMOKE = dict(clients=5, ramp=1.0, think=0.2, rounds=2)
LOAD_TIMEOUT = 60.0
MB = 1024 * 1024


@contextlib.contextmanager
def _worker(folder: Path):
    """The demo data in the benchmark's database, and one portal worker serving it."""
    env = toolchain_env(dict(os.environ))
    port = free_port()
    env.update({"PORTAL_ENV": "development", "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "REFLEX_STATES_WORKDIR": str(folder / "states"), "REFLEX_WEB_WORKDIR": str(folder / "web"),
                "GRANIAN_WORKERS": "1"})
    subprocess.run([sys.executable, "-m", "portal_app.cli", "setup"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    worker = Worker("load", port, folder / "worker.log")
    with worker.log.open("w") as out:
        worker.proc = subprocess.Popen([sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only",
                                        "--backend-host", "127.0.0.1", "--backend-port", str(port)], cwd=ROOT, env=env,
                                       stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=_end_with_parent)
    try:
        wait_for(worker.url + "/api/health", "the portal worker", worker.proc, worker.log, timeout=240)
        yield worker
    finally:
        _stop(worker)


def _end_with_parent() -> None:
    """In the worker's process, before it starts: SIGTERM when the benchmark's process dies, even
    by SIGKILL (a timeout), so no worker outlives the run; Reflex stops its granian child then."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def _stop(worker: Worker) -> None:
    """SIGTERM to the worker's process group, SIGKILL after 10 s (Reflex does not always end on
    SIGTERM); returns once no process of the group is left."""
    proc = worker.proc
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 10
    while worker.pids() and time.monotonic() < deadline:
        time.sleep(0.2)
    if worker.pids():  # whatever is left of the group (granian's forked worker)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while worker.pids() and time.monotonic() < deadline:
            time.sleep(0.2)
    proc.wait(timeout=10)


def _cpu_seconds(worker: Worker) -> float:
    """CPU time (user + system) the worker's processes have used so far."""
    ticks = 0
    for pid in worker.pids():
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _resident(worker: Worker) -> int:
    total = 0
    for pid in worker.pids():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def _sections(*states) -> tuple[tuple[str, str], ...]:
    return tuple((f"{cls.get_full_name()}.load", cls.get_full_name()) for cls in states)


# The client's home (pages/matters/client_home.py) and the sections it places, in its order.
HOME_SECTIONS = _sections(IntakeToDoState, NeededDocumentsState, ClientMessagesState, UpcomingDatesState, InvoicesState)


def _visitors(count: int) -> list[tuple[str, Page, Page]]:
    """(session cookie, home, documents) for `count` tabs, each signed in with its own session,
    the demo's clients in turn."""
    cookie_name, now = ("__Host-portal_session" if get_settings().cookie_secure else "portal_session"), utcnow()
    out = []
    with db.write() as s:
        people = []
        for email, *_ in DEMO_CLIENTS:
            user = s.exec(select(User).where(User.email == email)).one()
            matter = s.exec(select(Matter.id).join(Client, Client.id == Matter.client_id)
                            .where(Client.user_id == user.id)).first()
            people.append((user, str(matter)))
        exchanges = [(auth.open_session(s, user, "127.0.0.1", "bench/load", now, known=True), matter)
                     for user, matter in (people[i % len(people)] for i in range(count))]
    for exchange, matter in exchanges:
        token, _age = auth.exchange(exchange)
        out.append((f"{cookie_name}={token}", Page("/client", ClientHomeState.get_full_name(), sections=HOME_SECTIONS),
                    Page(f"/matters/{matter}/documents", DocumentsState.get_full_name(), {"matter_id": matter})))
    return out


async def _one_visit(port: int, visitor, think: float, start_at: float, tabs: list[Tab]) -> list[float]:
    cookie, home, documents = visitor
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    tab = Tab(port, cookie)
    tabs.append(tab)
    events = await tab.open(home, LOAD_TIMEOUT)
    await asyncio.sleep(think)
    return events + await tab.visit(documents, LOAD_TIMEOUT)


async def _alone(port: int, visitors, rounds: int) -> list[float]:
    """One client at a time: the floor (the first visit warms the worker and is not counted)."""
    latencies = []
    for i in range(rounds + 1):
        tabs: list[Tab] = []
        try:
            got = await _one_visit(port, visitors[i % len(visitors)], 0.0, 0.0, tabs)
        finally:
            for tab in tabs:
                await tab.close()
        latencies += got if i else []
    return latencies


async def _crowd(worker: Worker, visitors, ramp: float, think: float) -> tuple[list[float], int]:
    """Every visitor connected and loaded, arrivals spread over `ramp`; returns the latencies and
    the worker's resident memory while all of them are connected."""
    rng, tabs = random.Random(15), []
    begin, step = time.perf_counter(), ramp / max(1, len(visitors))
    try:
        results = await asyncio.gather(*(_one_visit(worker.port, v, rng.uniform(0, think), begin + i * step, tabs)
                                         for i, v in enumerate(visitors)))
        await asyncio.sleep(1.0)  # the last updates written out
        resident = _resident(worker)
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return [x for pair in results for x in pair], resident


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(smoke: bool = False) -> list:
    size = SMOKE if smoke else dict(clients=CLIENTS, ramp=RAMP, think=THINK, rounds=ROUNDS)
    out: list = []
    with database("sqlite"):
        folder = get_settings().data_dir
        with _worker(folder) as worker:
            visitors = _visitors(size["clients"] + size["rounds"] + 1)
            cpu = _cpu_seconds(worker)
            alone = asyncio.run(_alone(worker.port, visitors[size["clients"]:], size["rounds"]))
            cpu_alone, cpu = (_cpu_seconds(worker) - cpu) / (size["rounds"] + 1), _cpu_seconds(worker)
            time.sleep(1.0)
            baseline = _resident(worker)
            crowd, resident = asyncio.run(_crowd(worker, visitors[:size["clients"]], size["ramp"], size["think"]))
            cpu_crowd = (_cpu_seconds(worker) - cpu) / size["clients"]
            after = _resident(worker)
        out.append(f"portal worker {worker.proc.pid} stopped" if not worker.pids() else
                   f"portal worker {worker.proc.pid} NOT stopped: {sorted(worker.pids())}")
        n = size["clients"]
        solo95, crowd95 = 1000 * _p(alone, 0.95), 1000 * _p(crowd, 0.95)
        per_client = (resident - baseline) / n / MB
        out.append(f"one worker: {baseline / MB:.0f} MB resident after the single client, {resident / MB:.0f} MB with "
                   f"{n} clients connected, {after / MB:.0f} MB after they left")
        where = f"{n} clients connected over {size['ramp']:g} s, each loading home then documents"
        out.append(Figure("load.p95", f"Page load p95 with {n} clients on one worker", crowd95, solo95, "ms",
                          "one client alone, p95", goal=3.0, higher_is_better=False,
                          note=f"{where}; p50 {1000 * statistics.median(crowd):.0f} ms vs "
                               f"{1000 * statistics.median(alone):.0f} ms alone"))
        out.append(Figure("load.p95_absolute", f"Page load p95 with {n} clients on one worker, absolute", crowd95,
                          300, "ms", "the 300 ms allowance", goal=1.0, higher_is_better=False))
        out.append(Figure("load.cpu_per_visit", f"Worker CPU per client visit ({n} clients)", 1000 * cpu_crowd,
                          1000 * cpu_alone, "ms", "a visit of one client alone (its first visit warms the worker)",
                          note=f"one core serves at most {1 / cpu_crowd:.1f} visits/s; the crowd asked "
                               f"{n / size['ramp']:.1f}/s"))
        out.append(Figure("load.memory_per_client", f"Worker memory per connected client ({n} clients)", per_client,
                          2, "MB", "the 2 MB allowance", goal=1.0, higher_is_better=False))
    return out
