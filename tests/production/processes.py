"""Processes and ports for the prod-check topology: free loopback ports, the toolchain's
environment, waiting for a server to answer, and one portal worker's process group."""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PREFERRED_PORT = 20000 + int(hashlib.sha256(str(ROOT).encode()).hexdigest(), 16) % 20000


def preferred_port() -> int:
    """The same port for the same checkout when it is free (the built pages embed it), else any."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", PREFERRED_PORT))
            return PREFERRED_PORT
        except OSError:
            return free_port()


def toolchain_env(env: dict[str, str]) -> dict[str, str]:
    tools = ROOT / "tools" / "node_modules" / ".bin"
    env["PATH"] = f"{tools}:{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env.setdefault("REFLEX_BUN_PATH", str(tools / "bun"))
    env.setdefault("REFLEX_DIR", str(ROOT / "tools" / "reflex-home"))
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org")
    env.update(REFLEX_TELEMETRY_ENABLED="false", REFLEX_CHECK_LATEST_VERSION="false", PYTHONUNBUFFERED="1")
    return env


def wait_for(url: str, what: str, proc: subprocess.Popen | None = None, log: Path | None = None,
             timeout: float = 120, context=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} exited while starting:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f}s:\n{tail}")


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> set[int]:
        """The worker's processes (reflex and granian's forked worker): all in its own group."""
        if self.proc is None:
            return set()
        out = subprocess.run(["pgrep", "-g", str(self.proc.pid)], capture_output=True, text=True).stdout
        return {int(p) for p in out.split()}

    def kill(self) -> set[int]:
        """kill -9 the whole process group; returns the pids it had. Done when the port refuses
        connections: granian's forked worker can end after reflex, and its socket with it."""
        pids = self.pids()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return pids
            time.sleep(0.02)
        raise AssertionError(f"port {self.port} still takes connections 30 s after worker {self.name} was killed")
