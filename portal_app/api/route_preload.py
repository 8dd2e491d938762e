"""The scripts of the page a served address opens, named in the page itself (issue 15).

A page with an id in its address (/pay/<invoice>, /matters/<id>/documents) is the single-page
app's entry, which names only the app root's scripts: on a phone the page's own module was found
when the root had run, its imports when that module had run, and so on, five waves deep on
/pay/<id>, each a round trip (0.56 s on Slow 4G). React Router's build manifest lists every
route's module with all of its imports; this adds `<link rel="modulepreload">` for those of the
route the address matches that the page does not name already. Read from the build the page
itself names (its manifest file), so a new build can never be answered with an old list."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

MANIFEST = re.compile(rb'/assets/(manifest-[A-Za-z0-9_-]+\.js)')
PREFIX = "window.__reactRouterManifest="


def _pattern(path: str) -> re.Pattern | None:
    if not path or path == "*":
        return None
    parts = ("[^/]+" if part.startswith(":") else re.escape(part) for part in path.strip("/").split("/"))
    return re.compile("^/" + "/".join(parts) + "/?$")


@lru_cache(maxsize=4)
def _routes(manifest: Path) -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """(address pattern, module and imports) for each route with a path, from one manifest file."""
    try:
        text = manifest.read_text(encoding="utf-8").strip()
    except OSError:
        return ()
    if not text.startswith(PREFIX):
        return ()
    routes = json.loads(text[len(PREFIX):].rstrip(";"))["routes"]
    found = []
    for route in routes.values():
        pattern = _pattern(route.get("path", ""))
        if pattern is not None and route.get("module"):
            found.append((pattern, (route["module"], *route.get("imports", ()))))
    return tuple(found)


def scripts_for(address: str, body: bytes, pages_dir: Path) -> list[str]:
    """The modules the route at `address` needs that `body` does not already name."""
    named = MANIFEST.search(body)
    if named is None:
        return []
    for pattern, modules in _routes(pages_dir / "assets" / named.group(1).decode()):
        if pattern.match(address):
            return [m for m in dict.fromkeys(modules) if m.encode() not in body]
    return []


def preload_links(address: str, body: bytes, pages_dir: Path) -> bytes:
    return b"".join(f'<link rel="modulepreload" href="{m}"/>'.encode() for m in scripts_for(address, body, pages_dir))
