"""The production topology on this machine, started and stopped by one object:

    nginx (TLS, throwaway CA)  ->  portal worker a  \\   PostgreSQL (own database)
        https://portal.test:N  ->  portal worker b  /    Redis (own db number), S3 (moto), SMTP (aiosmtpd)

The pages are built once (`reflex export --frontend-only`, cached in .prodcheck-web/ while the
sources do not change) and served by nginx; the two workers run `reflex run --env prod
--backend-only` with PORTAL_ENV=production. Everything listens on loopback; stop() (also on
failure and Ctrl-C) ends exactly what start() began and drops the database and Redis db.

`python -m tests.production.topology` starts it and waits, for trying it by hand.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.integration import smtp_server
from tests.production import nginx_site
from tests.production.processes import PREFERRED_PORT, Worker, free_port, preferred_port, toolchain_env, wait_for
from tests.production.tls import ThrowawayCA

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.test"
PROXY_ADDRESS = "127.0.0.2"  # nginx talks to the workers from here (proxy_bind): the one trusted proxy
PG_ADMIN = os.environ.get("PORTAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CLAIM = "portal-prodcheck:claimed-by"


@dataclass
class Topology:
    folder: Path
    port: int = field(default_factory=preferred_port)
    workers: dict[str, Worker] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    procs: list[subprocess.Popen] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://{HOST}:{self.port}"

    # ---- start -------------------------------------------------------------------------------
    def start(self) -> "Topology":
        self._stack = contextlib.ExitStack()
        try:
            self._timed("tls", self._make_certificates)
            self._timed("postgresql", self._create_database)
            self._timed("redis", self._claim_redis_db)
            self._timed("s3", self._start_moto)
            self._timed("smtp", self._start_smtp)
            self._worker_env()
            self._timed("migrate+seed", self._migrate_and_seed)
            self._timed("build pages", self._build_pages)
            self._timed("workers", self._start_workers)
            self._timed("nginx", self._start_nginx)
        except BaseException:
            self.stop()
            raise
        return self

    def _timed(self, what: str, step) -> None:
        started = time.monotonic()
        step()
        self.timings[what] = round(time.monotonic() - started, 1)

    def _make_certificates(self) -> None:
        self.ca = ThrowawayCA(self.folder)
        self.site_cert = self.ca.issue("portal", [HOST, "localhost"], ["127.0.0.1", "::1"])
        self.smtp_cert = self.ca.issue("smtp", ["localhost"], ["127.0.0.1"])

    def _create_database(self) -> None:
        import sqlalchemy as sa

        self.db_name = f"prodcheck_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.db_name}"')
        admin.dispose()
        self.database_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.db_name}"
        self._stack.callback(self._drop_database)

    def _drop_database(self) -> None:
        import sqlalchemy as sa

        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        admin.dispose()

    def _claim_redis_db(self) -> None:
        """A Redis db number nobody else uses now (claimed with SET NX), flushed at the end."""
        me = f"{socket.gethostname()}:{os.getpid()}:{self.db_name}"
        for number in range(15, 0, -1):
            client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
            if client.set(CLAIM, me, nx=True, ex=6 * 3600):
                self.redis_db, self.redis = number, client
                self._stack.callback(client.flushdb)
                return
        raise RuntimeError("no free Redis db number (1-15) at 127.0.0.1:6379")

    def _spawn(self, args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
        with log.open("ab") as out:
            proc = subprocess.Popen(args, cwd=ROOT, env=env or self.env or dict(os.environ), stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def _start_moto(self) -> None:
        self.moto_port = free_port()
        log = self.folder / "moto.log"
        proc = self._spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.moto_port)], log,
                           env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"})
        wait_for(f"http://127.0.0.1:{self.moto_port}/moto-api/", "moto", proc, log, timeout=60)
        self.bucket = f"firm-files-{uuid.uuid4().hex[:8]}"
        self.s3().create_bucket(Bucket=self.bucket)

    def s3(self):
        import boto3

        return boto3.client("s3", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{self.moto_port}",
                            aws_access_key_id="prodcheck", aws_secret_access_key="prodcheck")

    def _start_smtp(self) -> None:
        self.mailbox = smtp_server.Recorder()
        self.smtp = smtp_server.start("starttls", (self.smtp_cert.cert, self.smtp_cert.key), self.mailbox)
        self._stack.callback(self.smtp.stop)

    def _worker_env(self) -> None:
        from cryptography.fernet import Fernet

        env = toolchain_env(dict(os.environ))
        for key in [k for k in env if k.startswith(("PORTAL_", "STRIPE_", "REFLEX_REDIS"))]:
            env.pop(key)
        env.update({
            "PORTAL_ENV": "production", "PORTAL_PUBLIC_URL": self.url, "PORTAL_DATABASE_URL": self.database_url,
            "PORTAL_SECRET_KEY": secrets.token_urlsafe(48), "PORTAL_MASTER_KEYS": Fernet.generate_key().decode(),
            "PORTAL_DATA_DIR": str(self.folder / "data"), "PORTAL_TRUSTED_PROXIES": PROXY_ADDRESS,
            "PORTAL_AUDIT_CHECKPOINT_DIR": str(self.folder / "audit-anchor"),
            "PORTAL_STORAGE": "s3", "PORTAL_S3_BUCKET": self.bucket, "PORTAL_S3_PREFIX": "portal",
            "PORTAL_S3_REGION": "us-east-1", "PORTAL_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.moto_port}",
            "AWS_ACCESS_KEY_ID": "prodcheck", "AWS_SECRET_ACCESS_KEY": "prodcheck", "AWS_EC2_METADATA_DISABLED": "true",
            "PORTAL_MAIL_BACKEND": "smtp", "PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(self.smtp.port),
            "PORTAL_SMTP_SECURITY": "starttls", "PORTAL_SMTP_USER": smtp_server.USER,
            "PORTAL_SMTP_PASSWORD": smtp_server.PASSWORD, "SSL_CERT_FILE": str(self.ca.path),
            "PORTAL_PAYMENTS": "sandbox", "PORTAL_JOBS_INTERVAL": "1",
            "REFLEX_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}",
            "REFLEX_API_URL": self.url, "REFLEX_WEB_WORKDIR": str(self.build_dir),
            "REFLEX_STATES_WORKDIR": str(self.folder / "states"), "GRANIAN_WORKERS": "1",
        })
        self.env = env

    @property
    def build_dir(self) -> Path:
        """Kept between runs of this checkout; a second run at the same time builds its own."""
        return ROOT / ".prodcheck-web" if self.port == PREFERRED_PORT else self.folder / "web"

    def _migrate_and_seed(self) -> None:
        """Schema, content and the demo people. Demo data is never made in production, so it is
        made here with PORTAL_ENV=test on the same database and keys, before the workers start."""
        log = self.folder / "setup.log"
        for command, extra in ((["-m", "alembic", "upgrade", "head"], {}),
                               (["-m", "portal_app.cli", "setup"], {"PORTAL_ENV": "test"})):
            with log.open("ab") as out:
                subprocess.run([sys.executable, *command], cwd=ROOT, env={**self.env, **extra}, stdout=out,
                               stderr=subprocess.STDOUT, check=True, timeout=600)

    def _sources_digest(self) -> str:
        digest = hashlib.sha256(self.url.encode())
        for base in ("portal_app", "assets", "reflex.lock"):
            for path in sorted((ROOT / base).rglob("*")) if (ROOT / base).is_dir() else [ROOT / base]:
                if path.is_file() and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
        digest.update((ROOT / "rxconfig.py").read_bytes())
        return digest.hexdigest()

    def _build_pages(self) -> None:
        stamp, wanted = self.build_dir / "prodcheck.stamp", self._sources_digest()
        if stamp.exists() and stamp.read_text() == wanted and (self.build_dir / "build/client/index.html").exists():
            self.timings["build reused"] = 1
            return
        log = self.folder / "build.log"
        locks = {path: path.read_bytes() for path in (ROOT / "reflex.lock").glob("*")}
        try:
            with log.open("ab") as out:
                done = subprocess.run([sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip",
                                       "--env", "prod"], cwd=ROOT, env=self.env, stdout=out,
                                      stderr=subprocess.STDOUT, timeout=1200)
        finally:
            for path, data in locks.items():  # the export rewrites the committed lock files
                path.write_bytes(data)
        if done.returncode != 0:
            raise RuntimeError(f"building the pages failed:\n{log.read_text()[-4000:]}")
        stamp.write_text(wanted)

    def _start_workers(self) -> None:
        for name in ("a", "b"):
            self.workers[name] = Worker(name, free_port(), self.folder / f"worker-{name}.log")
        for worker in self.workers.values():
            self.start_worker(worker.name, wait=False)
        for worker in self.workers.values():
            wait_for(worker.url + "/api/health", f"worker {worker.name}", worker.proc, worker.log, timeout=180)

    def start_worker(self, name: str, wait: bool = True) -> Worker:
        worker = self.workers[name]
        worker.proc = self._spawn([sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only",
                                   "--backend-host", "127.0.0.1", "--backend-port", str(worker.port)], worker.log,
                                  env=self.env)
        if wait:
            wait_for(worker.url + "/api/health", f"worker {name}", worker.proc, worker.log, timeout=180)
        return worker

    def kill_worker(self, name: str) -> set[int]:
        """kill -9 every process of one worker, at once, as a power cut or the OOM killer would."""
        return self.workers[name].kill()

    def _start_nginx(self) -> None:
        conf = nginx_site.render(self, ROOT / "deploy" / "nginx" / "portal.conf")
        path = self.folder / "nginx.conf"
        path.write_text(conf)
        log = self.folder / "nginx.log"
        subprocess.run([nginx_site.NGINX, "-t", "-c", str(path)], check=True, capture_output=True)
        self.nginx = self._spawn([nginx_site.NGINX, "-c", str(path)], log)
        wait_for(self.url.replace(HOST, "127.0.0.1") + "/api/health", "nginx", self.nginx, log, timeout=30,
                 context=self.ssl_context(check_hostname=False))

    def ssl_context(self, check_hostname: bool = True):
        import ssl

        context = ssl.create_default_context(cafile=str(self.ca.path))
        context.check_hostname = check_hostname
        return context

    # ---- stop --------------------------------------------------------------------------------
    def stop(self) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5  # Reflex does not always end on SIGTERM (its Dockerfiles use SIGKILL)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        self.procs.clear()
        stack = getattr(self, "_stack", None)
        if stack is not None:
            stack.close()


def main() -> int:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="prodcheck-"))
    topology = Topology(folder)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        topology.start()
        print(f"up in {topology.timings}\n  {topology.url}  (map {HOST} to 127.0.0.1; CA: {topology.ca.path})\n"
              f"  logs in {folder}\nCtrl-C stops everything.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        topology.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
