"""`/api/i18n/<lang>.<version>.js`: one language's catalog as a small same-origin script (the strict
CSP allows no inline script), cached for a year because the version is the catalog's own hash;
gzipped (once per catalog version) for a browser that accepts it: nothing in front of the portal
compresses /api/ answers, and the English catalog was 74 KB on the wire of every page (issue 15).

The script stores the catalog under `globalThis.__portalI18n[lang]` and defines, once, the two
helpers pages use: `__pt(lang, key, params, english)` (lookup, CLDR plural through
`Intl.PluralRules`, `{name}` placeholders) and `__portalSetLang(code, url)` (the language switch:
loads another catalog, sets <html lang/dir> and the choice cookie, resolves when ready)."""
from __future__ import annotations

import functools
import json
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_app.api.encoding import accepts_gzip, gzipped
from portal_app.services.kernel import i18n

NAME = re.compile(r"^(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,4})?)\.(?P<version>[0-9a-f]{6,32})\.js$")

HELPERS = """
if (!g.__pt) {
  g.__portalLangSubscribe = function (cb) {
    g.addEventListener("portal-lang", cb);
    return function () { g.removeEventListener("portal-lang", cb); };
  };
  var EN = {lang: "en", plural: ["one", "other"]};
  var pick = function (v, n, c) {
    if (!Array.isArray(v)) return v;
    var i = c.plural.indexOf(new Intl.PluralRules(c.lang).select(Number(n) || 0));
    if (i < 0) i = c.plural.length - 1;
    return v[Math.min(i, v.length - 1)];
  };
  g.__pt = function (l, k, p, e) {
    var c = g.__portalI18n[l], v = c && c.messages[k];
    if (v == null) { v = e; c = EN; }
    v = pick(v, p && (p.count != null ? p.count : p.n), c);
    return String(v).replace(/\\{(\\w+)\\}/g, function (a, n) { return p && p[n] != null ? String(p[n]) : a; });
  };
  g.__portalSetLang = function (code, url) {
    return new Promise(function (ok, fail) {
      var done = function () {
        var c = g.__portalI18n[code], root = g.document.documentElement;
        root.lang = code; root.dir = c.dir;
        g.document.cookie = "portal_lang=" + code + "; path=/; max-age=31536000; samesite=lax";
        g.dispatchEvent(new Event("portal-lang"));
        ok(code);
      };
      if (g.__portalI18n[code]) return done();
      var s = g.document.createElement("script");
      s.src = url; s.onload = done; s.onerror = fail;
      g.document.head.appendChild(s);
    });
  };
}
"""


def catalog_script(locale: str) -> bytes:
    data = json.dumps(i18n.browser_catalog(locale), ensure_ascii=False, separators=(",", ":"))
    return f"(function (g) {{\nvar c = {data};\n(g.__portalI18n = g.__portalI18n || {{}})[c.lang] = c;\n{HELPERS}}})(globalThis);\n".encode()


@functools.lru_cache(maxsize=64)
def _gzipped(locale: str, version: str) -> bytes:
    """`version` is the catalog's hash: a changed catalog is a new entry, never a stale one."""
    return gzipped(catalog_script(locale), level=9)


async def catalog_route(request: Request) -> Response:
    m = NAME.match(request.path_params.get("name", ""))
    if m is None or m["lang"] not in i18n.available_locales():
        return Response("not found", status_code=404, media_type="text/plain")
    current = m["version"] == i18n.catalog_version(m["lang"])
    cache = "public, max-age=31536000, immutable" if current else "no-cache"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff", "Vary": "Accept-Encoding"}
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        body = _gzipped(m["lang"], i18n.catalog_version(m["lang"]))
        headers["Content-Encoding"] = "gzip"
    else:
        body = catalog_script(m["lang"])
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


ROUTES = [Route("/api/i18n/{name}", catalog_route, methods=["GET"])]
