"""`<html lang>` and `dir` right in the first response, and the reader's catalog with it.

Reflex prerenders every page once, with `<html lang="en">`. This middleware rewrites each served
page for its reader: the language is the account's (session cookie), else the one chosen on this
browser (`portal_lang` cookie), else the best match of Accept-Language. It sets `lang` and `dir`
on <html> and puts `<script src="/api/i18n/<lang>.<version>.js">` last in <head>: a same-origin
file, so the strict CSP stays as it is, and a classic script, so it runs before the page's modules.
Last, not first: React hydrates <head> in order and would compare it with the theme script there.
"""
from __future__ import annotations

import asyncio
import html
import re
from functools import lru_cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

from portal_app.api.built_pages import page_file, workers_serve_pages
from portal_app.api.encoding import accepts_gzip, gzipped
from portal_app.api.route_preload import preload_links
from portal_app.services.identity import auth
from portal_app.services.kernel import i18n
from portal_app.session_cookie import token_from_header

SKIP = ("/api/", "/_event", "/_upload", "/ping", "/_health", "/_all_routes", "/assets/", "/favicon")
HTML_TAG = re.compile(rb"<html\b[^>]*>", re.I)
HEAD_END = re.compile(rb"</head>", re.I)
DROP_REQUEST = {b"accept-encoding", b"if-none-match", b"if-modified-since"}
DROP_RESPONSE = {b"content-length", b"etag", b"last-modified", b"cache-control", b"content-encoding", b"vary"}


def _page_path(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return not path.startswith(SKIP) and ("." not in last or last.endswith(".html"))


def _chosen(cookie_header: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(i18n.LANGUAGE_COOKIE)
    return morsel.value if morsel else None


def locale_for(headers: dict[bytes, bytes]) -> str:
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    actor = auth.resolve(token_from_header(cookie)) if cookie else None
    return i18n.reader_locale(actor.locale if actor else None, _chosen(cookie) if cookie else None,
                              headers.get(b"accept-language", b"").decode("latin-1"))


TITLE = re.compile(rb"<title>([^<]*)</title>")


@lru_cache(maxsize=1)
def _english_keys() -> dict[str, str]:
    return {text: key for key, text in i18n.catalog(i18n.DEFAULT_LOCALE).items() if isinstance(text, str)}


def _title(match: re.Match, locale: str) -> bytes:
    english = html.unescape(match.group(1).decode("utf-8"))
    key = _english_keys().get(english)
    return b"<title>" + html.escape(i18n.t(key, locale) if key else english).encode("utf-8") + b"</title>"


def rewrite(body: bytes, locale: str, extra_head: bytes = b"") -> bytes:
    lang = i18n.language(locale)
    if locale != i18n.DEFAULT_LOCALE:  # the page title was built in English, like the rest of the page
        body = TITLE.sub(lambda m: _title(m, locale), body, count=1)
    body = HTML_TAG.sub(f'<html lang="{lang.code}" dir="{lang.direction}">'.encode(), body, count=1)
    script = extra_head + f'<script src="{i18n.catalog_url(lang.code)}"></script>'.encode()
    return HEAD_END.sub(lambda m: script + m.group(0), body, count=1)


def catalog_preload(locale: str) -> bytes:
    """The catalog is a script that holds up the page (it must run before the page's modules), and it
    sits last in <head>: on a phone's slow link it waited behind the ~20 scripts the head names
    before it, six at a time, and the page showed nothing until it came (issue 15). Named in the
    answer's headers, it is fetched before the browser has read a line of the page."""
    return f"<{i18n.catalog_url(i18n.language(locale).code)}>; rel=preload; as=script".encode()


def _without_redirect(scope: dict, pages_dir: Path) -> dict:
    """`/login` is a folder of the build (login/index.html): the static files answered it with a
    redirect to `/login/`, one more round trip (0.58 s on Slow 4G) before a phone saw anything.
    The page is served at the address asked for; its links and scripts are absolute."""
    path = scope["path"]
    try:
        folder = not path.endswith("/") and (pages_dir / path.strip("/") / "index.html").is_file()
    except (OSError, ValueError):  # a name no file can have
        folder = False
    if not folder:
        return scope
    return {**scope, "path": path + "/", "raw_path": (scope.get("raw_path") or path.encode()) + b"/"}


class PageLanguage:
    def __init__(self, app, pages_dir: Path | None = None, serve_from_disk: bool | None = None):
        self.app = app
        self._pages_dir = pages_dir
        self._serve_from_disk = serve_from_disk

    @property
    def serve_from_disk(self) -> bool:
        """Read at the first request: `reflex run` says how it serves the pages before it starts the workers."""
        if self._serve_from_disk is None:
            self._serve_from_disk = workers_serve_pages()
        return self._serve_from_disk

    @property
    def pages_dir(self) -> Path:
        if self._pages_dir is None:
            from portal_app.api.guard import built_pages_dir

            self._pages_dir = built_pages_dir()
        return self._pages_dir

    def _page_for(self, page: bytes, address: str, locale: str, zipped: bool) -> bytes:
        """The page for this reader, gzipped when asked: it is on every first visit's critical path
        (issue 15; login 13.8 -> 6.9 KB)."""
        body = rewrite(page, locale, preload_links(address, page, self.pages_dir))
        return gzipped(body) if zipped else body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or not _page_path(scope["path"]):
            return await self.app(scope, receive, send)
        address = scope["path"]
        scope = _without_redirect(scope, self.pages_dir)
        headers = dict(scope.get("headers") or [])
        locale = await asyncio.to_thread(locale_for, headers)
        zipped = accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1"))
        scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers") or [] if k not in DROP_REQUEST]}
        if self.serve_from_disk and (found := page_file(self.pages_dir, address)) is not None:
            start = {"type": "http.response.start", "status": 200,
                     "headers": [(b"content-type", b"text/html; charset=utf-8")]}
            page = await asyncio.to_thread(found.read_bytes)
            return await self._answer(send, start, page, address, locale, zipped, scope["method"])
        held: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers") or []).get(b"content-type", b"")
                if not kind.startswith(b"text/html"):
                    held["pass"] = True
                    return await send(message)
                held["start"] = message
                return None
            if held.get("pass"):
                return await send(message)
            if message["type"] == "http.response.pathsend":  # a file the server would send itself
                chunks.append(await asyncio.to_thread(Path(message["path"]).read_bytes))
            else:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return None
            await self._answer(send, held["start"], b"".join(chunks), address, locale, zipped, scope["method"])

        await self.app(scope, receive, capture)

    async def _answer(self, send, start: dict, page: bytes, address: str, locale: str, zipped: bool,
                      method: str) -> None:
        body = await asyncio.to_thread(self._page_for, page, address, locale, zipped)
        kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() not in DROP_RESPONSE]
        if zipped:
            kept.append((b"content-encoding", b"gzip"))
        start["headers"] = kept + [(b"content-length", str(len(body)).encode()),
                                   (b"cache-control", b"private, no-cache"),
                                   (b"vary", b"Cookie, Accept-Language, Accept-Encoding"),
                                   (b"link", catalog_preload(locale))]
        await send(start)
        await send({"type": "http.response.body", "body": body if method == "GET" else b""})
