"""The built pages, when the worker answers them itself.

`make run` (one port) serves the pages through Reflex's own static files. The production workers
run backend-only behind nginx, which served the pages from disk: the reader's language, the
catalog, the page's script preloads and the strict policy (api/page_language.py, api/csp.py)
never reached a page there, and every client read English. nginx now sends page addresses to
the workers, and this finds the file as nginx's try_files did: the address as a page file, its
folder's index, else the single-page app's entry (pages with ids in their addresses)."""
from __future__ import annotations

from pathlib import Path

SPA_ENTRY = "__spa-fallback.html"


def workers_serve_pages() -> bool:
    """A production worker that Reflex gave no frontend to serve (`reflex run --env prod --backend-only`)."""
    from reflex_base import constants
    from reflex_base.environment import environment

    return environment.REFLEX_ENV_MODE.get() == constants.Env.PROD and not environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.get()


def page_file(pages_dir: Path, path: str) -> Path | None:
    """The file for a page address, as nginx's `try_files $uri.html $uri/index.html /__spa-fallback.html`."""
    name = path.strip("/")
    if ".." in name.split("/"):
        return None
    candidates = [pages_dir / f"{name}.html", pages_dir / name / "index.html"] if name else [pages_dir / "index.html"]
    for candidate in [*candidates, pages_dir / SPA_ENTRY]:
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):  # a name no file can have
            return None
    return None
