"""The served page carries the reader's <html lang dir> and their catalog script; the catalog route
serves one language as a cacheable same-origin script."""
from __future__ import annotations

import json

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal_app.api import i18n_catalogs
from portal_app.api.built_pages import page_file
from portal_app.api.page_language import PageLanguage
from portal_app.services.kernel import i18n

PAGE = ('<!DOCTYPE html><html lang="en"><head><script>theme()</script><title>Sign in</title></head>'
        '<body><h1>Sign in</h1></body></html>')


def _client(pages_dir: Path = Path("/nonexistent-build")) -> TestClient:
    app = Starlette(routes=[Route("/login", lambda _r: HTMLResponse(PAGE)),
                            Route("/help/", lambda _r: HTMLResponse(PAGE)),
                            Route("/data", lambda _r: JSONResponse({"ok": True})),
                            *i18n_catalogs.ROUTES])
    return TestClient(PageLanguage(app, pages_dir=pages_dir))


def test_a_signed_out_visitor_gets_the_best_match_of_accept_language():
    html = _client().get("/login", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"}).text
    assert '<html lang="vi" dir="ltr">' in html
    assert f'<script src="{i18n.catalog_url("vi")}"></script></head>' in html  # last in <head>, after the theme
    assert f"<title>{i18n.t('login.title', 'vi')}</title>" in html


def test_the_switch_cookie_wins_over_accept_language_and_arabic_is_rtl():
    client = _client()
    client.cookies.set(i18n.LANGUAGE_COOKIE, "ar")
    response = client.get("/login", headers={"Accept-Language": "es", "Accept-Encoding": "identity"})
    assert '<html lang="ar" dir="rtl">' in response.text
    assert response.headers["cache-control"] == "private, no-cache" and "etag" not in response.headers
    assert int(response.headers["content-length"]) == len(response.content)


def test_no_language_offered_means_english_and_other_responses_pass_untouched():
    client = _client()
    assert '<html lang="en" dir="ltr">' in client.get("/login", headers={"Accept-Language": "fr"}).text
    assert client.get("/data", headers={"Accept-Language": "vi"}).json() == {"ok": True}


def test_the_catalog_script_is_one_language_cached_under_its_version():
    client = _client()
    response = client.get(i18n.catalog_url("zh-Hans"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/javascript")
    assert "immutable" in response.headers["cache-control"]
    assert i18n.t("login.submit", "zh-Hans") in response.text and i18n.t("login.submit", "es") not in response.text
    stale = client.get("/api/i18n/zh-Hans.000000.js")
    assert stale.status_code == 200 and stale.headers["cache-control"] == "no-cache"
    assert client.get("/api/i18n/xx.123456.js").status_code == 404


def test_the_page_is_gzipped_for_a_browser_that_accepts_it_and_plain_for_one_that_refuses():
    client = _client()
    pages = {offer: client.get("/login", headers={"Accept-Encoding": offer, "Accept-Language": "vi"})
             for offer in ("gzip, deflate, br, zstd", "br, gzip;q=0", "identity")}
    zipped, refused, plain = pages.values()
    assert zipped.headers["content-encoding"] == "gzip" and int(zipped.headers["content-length"]) < len(zipped.content)
    assert "content-encoding" not in refused.headers and "content-encoding" not in plain.headers
    assert zipped.text == refused.text == plain.text and '<html lang="vi" dir="ltr">' in zipped.text
    assert "Accept-Encoding" in zipped.headers["vary"] and "Cookie" in zipped.headers["vary"]


def test_the_catalog_is_gzipped_for_a_browser_that_accepts_it():
    client, url = _client(), i18n.catalog_url("es")
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert zipped.text == plain.text and i18n.t("login.submit", "es") in zipped.text  # the client decoded it
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"


def test_the_english_catalog_sends_no_keys_because_every_text_carries_its_english():
    """An English reader's first visit fetched 74 KB of keys it never read (issue 15)."""
    from portal_app.components.i18n import t

    client = _client()
    english, spanish = (client.get(i18n.catalog_url(code)).text for code in ("en", "es"))
    assert '"messages":{}' in english and len(english) < 3_000
    assert i18n.t("login.submit", "es") in spanish
    assert '"Sign in"' in str(t("login.submit")) and i18n.t("login.submit", "en") == "Sign in"


def test_a_page_that_is_a_folder_of_the_build_is_served_where_asked_without_a_redirect(tmp_path):
    """`/help` is help/index.html: a redirect to `/help/` cost a phone one more round trip."""
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "index.html").write_text(PAGE)
    client = _client(tmp_path)
    response = client.get("/help", follow_redirects=False, headers={"Accept-Language": "es"})
    assert response.status_code == 200 and '<html lang="es" dir="ltr">' in response.text
    assert response.headers["link"] == f"<{i18n.catalog_url('es')}>; rel=preload; as=script"
    assert client.get("/login", follow_redirects=False).status_code == 200  # not a folder: as it was
    assert _client().get("/help", follow_redirects=False).status_code in (307, 308)  # no build: the app's own answer


def test_a_page_with_an_id_in_its_address_names_its_own_scripts(tmp_path):
    """/pay/<id> is the app's entry page: it named only the root's scripts, and a phone found the
    page's own module and its imports one round trip at a time."""
    (tmp_path / "assets").mkdir()
    manifest = {"routes": {
        "root": {"path": "", "module": "/assets/root-1.js", "imports": []},
        "routes/pay": {"path": "pay/:invoice_id", "module": "/assets/pay-1.js", "imports": ["/assets/card-1.js",
                                                                                           "/assets/root-1.js"]},
        "routes/docs": {"path": "matters/:matter_id/documents", "module": "/assets/docs-1.js", "imports": []}}}
    (tmp_path / "assets" / "manifest-ab12.js").write_text("window.__reactRouterManifest=" + json.dumps(manifest) + ";")
    entry = ('<html><head><link rel="modulepreload" href="/assets/manifest-ab12.js"/>'
             '<link rel="modulepreload" href="/assets/root-1.js"/></head><body></body></html>')
    app = Starlette(routes=[Route("/{path:path}", lambda _r: HTMLResponse(entry))])
    client = TestClient(PageLanguage(app, pages_dir=tmp_path))
    pay = client.get("/pay/0f8e2c4a-1111-2222-3333-444455556666").text
    head = pay[:pay.index("</head>")]
    assert '<link rel="modulepreload" href="/assets/pay-1.js"/><link rel="modulepreload" href="/assets/card-1.js"/>' in head
    assert head.count("/assets/root-1.js") == 1  # named once, as the page had it
    assert "docs-1.js" not in pay and "docs-1.js" in client.get("/matters/x/documents").text
    assert "pay-1.js" not in client.get("/pay").text and "pay-1.js" not in client.get("/pay/a/b").text


def test_a_backend_only_worker_answers_pages_from_the_build_as_nginx_found_them(tmp_path):
    """Behind nginx the workers run backend-only: the pages are theirs to answer (in the reader's
    language), found as nginx's try_files found them; anything else is the app's."""
    (tmp_path / "login").mkdir()
    (tmp_path / "login.html").write_text(PAGE)
    (tmp_path / "index.html").write_text(PAGE.replace("Sign in", "Welcome"))
    (tmp_path / "__spa-fallback.html").write_text(PAGE.replace("Sign in", "Entry"))
    app = Starlette(routes=[Route("/api/health", lambda _r: JSONResponse({"ok": True}))])
    worker = TestClient(PageLanguage(app, pages_dir=tmp_path, serve_from_disk=True))
    spanish = {"Accept-Language": "es"}
    login = worker.get("/login", headers=spanish)
    assert login.status_code == 200 and '<html lang="es" dir="ltr">' in login.text and "<h1>Sign in</h1>" in login.text
    assert login.headers["content-type"].startswith("text/html") and login.headers["content-encoding"] == "gzip"
    assert "<h1>Welcome</h1>" in worker.get("/", headers=spanish).text
    assert "<h1>Entry</h1>" in worker.get("/pay/0f8e2c4a-1111-2222-3333-444455556666").text
    assert worker.get("/api/health").json() == {"ok": True}
    assert page_file(tmp_path, "/../login") is None and page_file(tmp_path, "/login/../../etc/passwd") is None
    served_by_reflex = TestClient(PageLanguage(app, pages_dir=tmp_path, serve_from_disk=False))
    assert served_by_reflex.get("/login").status_code == 404  # `make run`: Reflex's own static files answer
