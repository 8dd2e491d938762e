"""deploy/nginx/portal.conf, run as it is: the same file with this machine's ports, paths and
names put in, inside a minimal nginx.conf of its own. Each replacement must find its text exactly,
so the deploy file and the check cannot drift apart unnoticed.

Two additions are for the tests only: a cookie `prodcheck_worker=a|b` pins a browser to one
worker (default: both, as in production), and `X-Portal-Worker` says which worker answered."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _swap(text: str, old: str, new: str, count: int | None = None) -> str:
    found = text.count(old)
    if found == 0 or (count is not None and found != count):
        raise AssertionError(f"deploy/nginx/portal.conf no longer holds {old!r} ({found} times)")
    return text.replace(old, new)


def site(topology, source: Path) -> str:
    text = source.read_text()
    text, removed = re.subn(r"# --- plain http: only a redirect ---.*?# --- end plain http ---\n", "", text,
                            flags=re.S)
    assert removed == 1, "the plain-http block markers are gone from deploy/nginx/portal.conf"
    a, b = topology.workers["a"].port, topology.workers["b"].port
    text = _swap(text, "server 127.0.0.1:8001 ", f"server 127.0.0.1:{a} ", 1)
    text = _swap(text, "server 127.0.0.1:8002 ", f"server 127.0.0.1:{b} ", 1)
    text = _swap(text, "listen 443 ssl http2;", f"listen 127.0.0.1:{topology.port} ssl http2;", 1)
    text = _swap(text, "listen [::]:443 ssl http2;", f"listen [::1]:{topology.port} ssl http2;", 1)
    text = _swap(text, "/etc/letsencrypt/live/portal.example-firm.com/fullchain.pem", str(topology.site_cert.cert), 1)
    text = _swap(text, "/etc/letsencrypt/live/portal.example-firm.com/privkey.pem", str(topology.site_cert.key), 1)
    text = _swap(text, "portal.example-firm.com", "portal.test")
    text = _swap(text, "/opt/portal/.web/build/client", str(topology.build_dir / "build" / "client"), 1)
    text = _swap(text, "proxy_bind 127.0.0.2;", f"proxy_bind {topology.env['PORTAL_TRUSTED_PROXIES']};", 1)
    text = _swap(text, "proxy_pass http://portal_workers;", "proxy_pass http://$portal_pool;")
    pin = (f"map $cookie_prodcheck_worker $portal_pool {{\n    a 127.0.0.1:{a};\n    b 127.0.0.1:{b};\n"
           "    default portal_workers;\n}\n\n")
    text = _swap(text, "map $http_upgrade", pin + "map $http_upgrade", 1)
    return _swap(text, "    server_tokens off;\n", "    server_tokens off;\n    add_header X-Portal-Worker $upstream_addr always;\n", 1)


def render(topology, source: Path) -> str:
    folder = topology.folder / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {folder / sub};" for kind, sub in (
        ("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"), ("scgi", "scgi")))
    body = "\n".join("    " + line if line else "" for line in site(topology, source).splitlines())
    return (f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} info;\nevents {{ worker_connections 512; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    log_format prodcheck '$remote_addr \"$request\" $status upstream=$upstream_addr';\n"
            f"    access_log {folder / 'access.log'} prodcheck;\n{temp}\n{body}\n}}\n")
