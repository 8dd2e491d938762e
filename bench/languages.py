"""What languages cost: the bytes a client page transfers and the server memory per connected client,
with one language and with six (issue 10: neither may grow with the number of languages).

- Page code: every page's component tree rendered as Reflex compiles it (the JSON the compiler turns
  into the page's JS), summed over all pages, with only English offered and with all six.
- Catalog per page: the one catalog script a page loads (`/api/i18n/<lang>.<version>.js`), raw and
  gzipped, per language; a page never loads more than its reader's one.
- Memory: the catalogs the server holds (tracemalloc, loaded once per process, shared by every
  client) and the state a connected client holds (the pickled SessionState, as Reflex stores it).
"""
from __future__ import annotations

import gzip
import json
import os
import pickle
import time
import tracemalloc

os.environ.setdefault("PORTAL_ENV", "test")


def _page_code_bytes() -> int:
    from portal_app.portal_app import app

    total = 0
    for page in app._unevaluated_pages.values():
        component = page.component() if callable(page.component) else page.component
        total += len(json.dumps(component.render(), default=str))
    return total


def _timed_page_code(codes: tuple[str, ...]) -> tuple[int, float]:
    """The page code and the best of two times to render every page's tree (the Python half of a
    build; the JS half bundles what this renders, so it follows the bytes)."""
    best, size = float("inf"), 0
    for _ in range(2):
        started = time.perf_counter()
        size = _with_offered(codes, _page_code_bytes)
        best = min(best, time.perf_counter() - started)
    return size, best


def _with_offered(codes: tuple[str, ...], fn):
    from portal_app.services.kernel import i18n

    saved = i18n.offered_locales
    i18n.offered_locales = lambda: codes  # type: ignore[assignment]
    try:
        return fn()
    finally:
        i18n.offered_locales = saved  # type: ignore[assignment]


def _catalog_memory(codes: tuple[str, ...]) -> int:
    from portal_app.services.kernel import i18n

    i18n.clear_caches()
    tracemalloc.start()
    for code in codes:
        i18n.catalog(code)
        i18n.area_catalog(code, i18n.CONTENT_AREA)
    used, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return used


def _client_state_bytes(lang: str) -> int:
    from portal_app.state import SessionState

    os.environ.setdefault("PYTEST_CURRENT_TEST", "bench")  # Reflex allows a bare state instance only in tests
    state = SessionState()
    state.lang = lang
    state.user_name, state.user_role = "María García", "client"
    return len(pickle.dumps(state))


def run(smoke: bool = False) -> list:
    """Figures: page code and the largest per-page catalog with six languages against one (the
    floor); the rest as lines. It is small enough to run whole in the smoke test too."""
    from bench.results import Figure
    from portal_app.api.i18n_catalogs import catalog_script
    from portal_app.services.kernel import i18n

    six = tuple(i18n.LANGUAGES)
    _page_code_bytes()  # warm: the first render imports and compiles what both timings share
    (one_code, one_time), (six_code, six_time) = _timed_page_code(("en",)), _timed_page_code(six)
    lines = [f"languages: page code of all pages {one_code:,} bytes with 1 language, {six_code:,} with 6 "
             f"(+{six_code - one_code:,}: the switch's five more options)",
             f"languages: rendering every page {one_time:.2f} s with 1 language, {six_time:.2f} s with 6 (best of 2)"]
    for code in six:
        script = catalog_script(code)
        lines.append(f"languages: catalog a {code} page loads: {len(script):,} bytes, {len(gzip.compress(script)):,} gzipped")
    one_mem, six_mem = _catalog_memory(("en",)), _catalog_memory(six)
    lines.append(f"languages: catalogs in server memory {one_mem / 1e6:.1f} MB with 1 language, {six_mem / 1e6:.1f} MB "
                 f"with 6 (once per process, shared by every client)")
    per_client = {code: _client_state_bytes(code) for code in ("", "en", "ar", "zh-Hans")}
    lines.append("languages: state per connected client (pickled SessionState) "
                 + ", ".join(f"{code or 'served language'} {n:,} bytes" for code, n in per_client.items()))
    figures = [
        Figure("languages.page_code", "Page code of all pages, six languages offered", six_code, one_code, "bytes",
               "the same pages with one language", goal=1.05, higher_is_better=False),
        Figure("languages.page_render", "Rendering every page (the Python half of a build), six languages",
               six_time, one_time, "s", "the same with one language", goal=1.25, higher_is_better=False),
        Figure("languages.client_state", "State per connected client, Arabic reader", per_client["ar"],
               per_client["en"], "bytes", "the same state for an English reader", goal=1.05, higher_is_better=False),
    ]
    return [*lines, *figures]


if __name__ == "__main__":
    print("\n".join(item if isinstance(item, str) else item.line() for item in run()))
