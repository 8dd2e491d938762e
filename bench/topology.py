"""The production topology (tests/production/topology.py) under load, on this machine: what one
worker and two workers behind nginx serve, what each worker holds in memory and connections, and
what one signed-in tab keeps in Redis. `python -m bench bench.topology` (not in the default set:
it builds the pages and starts nginx, two workers, PostgreSQL, Redis, S3 and SMTP)."""
from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import psycopg
import redis

from tests.production.steps import PortalConnection
from tests.production.topology import HOST, Topology

SECONDS, THREADS = 8.0, 16


def _rss_mb(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _load(topology: Topology, path: str, worker: str | None) -> tuple[float, float]:
    """Requests per second and p95 latency (ms) for GET `path` from THREADS keep-alive clients."""
    stop, latencies, lock = time.monotonic() + SECONDS, [], threading.Lock()
    cookie = {"Cookie": f"prodcheck_worker={worker}"} if worker else {}

    def client():
        conn, mine = PortalConnection(topology, "127.0.0.1", None), []
        while time.monotonic() < stop:
            started = time.monotonic()
            conn.request("GET", path, headers=cookie)
            answer = conn.getresponse()
            answer.read()
            if answer.status == 200:
                mine.append(time.monotonic() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return len(latencies) / SECONDS, 1000 * latencies[int(len(latencies) * 0.95)] if latencies else 0.0


def _tab_in_redis(topology: Topology) -> tuple[int, int]:
    """Keys and bytes one signed-in client tab keeps in Redis."""
    from playwright.sync_api import sync_playwright

    from tests.production.steps import sign_in

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            f"--ignore-certificate-errors-spki-list={topology.site_cert.spki_sha256}"])
        page = browser.new_context(base_url=topology.url).new_page()
        sign_in(page, "wei@demo.example")
        page.wait_for_selector("#my-matters")
        token = page.evaluate("window.sessionStorage.getItem('token')")
        client = redis.Redis(host="127.0.0.1", port=6379, db=topology.redis_db)
        keys = client.keys(f"{token}*")
        size = sum(client.memory_usage(k) or 0 for k in keys)
        browser.close()
    return len(keys), size


def _connections(topology: Topology) -> int:
    with psycopg.connect(topology.database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            (topology.db_name,)).fetchone()[0]


def run(smoke: bool = False) -> list[str]:
    topology = Topology(Path(tempfile.mkdtemp(prefix="bench-topology-"))).start()
    try:
        lines = [f"topology start-up: {topology.timings}"]
        for name, worker in topology.workers.items():
            lines.append(f"worker {name} idle: {_rss_mb(worker.pids()):.0f} MB resident")
        for label, worker in (("one worker", "a"), ("two workers", None)):
            rate, p95 = _load(topology, "/api/health", worker)
            lines.append(f"GET /api/health (a database round trip) through nginx, {label}: {rate:.0f}/s, p95 {p95:.0f} ms")
        rate, p95 = _load(topology, "/login", None)
        lines.append(f"GET /login (a page, served by nginx from disk): {rate:.0f}/s, p95 {p95:.0f} ms")
        keys, size = _tab_in_redis(topology)
        lines.append(f"one signed-in client tab in Redis: {keys} keys, {size / 1024:.1f} KiB")
        lines.append(f"PostgreSQL connections held by the two workers after the load: {_connections(topology)}")
        for name, worker in topology.workers.items():
            lines.append(f"worker {name} after the load: {_rss_mb(worker.pids()):.0f} MB resident")
        return lines
    finally:
        topology.stop()
