"""Pages through the proxy are the reader's: `<html lang dir>`, the title and the catalog of the
reader's language, its preload in the answer's headers and the page's own scripts named in it
(api/page_language.py), as `make run` serves them. nginx serves the built scripts and styles from
disk; a page is the workers' to answer, which is what makes it the reader's."""
from __future__ import annotations

import gzip
import re

from portal_app.services.kernel import i18n
from tests.production.steps import request


def _page(topology, path: str, language: str) -> tuple[dict, str]:
    answer = request(topology, "GET", path, headers={"Accept-Language": language, "Accept-Encoding": "gzip"})
    assert answer.status == 200, (path, answer.status)
    body = gzip.decompress(answer.body) if answer.headers.get("content-encoding") == "gzip" else answer.body
    return answer.headers, body.decode("utf-8")


def test_a_spanish_reader_gets_the_login_page_in_spanish_and_an_arabic_one_right_to_left(topology):
    headers, page = _page(topology, "/login", "es-MX,es;q=0.9")
    assert '<html lang="es" dir="ltr">' in page and f'<script src="{i18n.catalog_url("es")}"></script>' in page
    assert f"<title>{i18n.t('login.title', 'es')}</title>" in page
    assert headers["link"] == f"<{i18n.catalog_url('es')}>; rel=preload; as=script"
    assert headers["content-encoding"] == "gzip" and "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "strict-transport-security" in headers and "Accept-Language" in headers["vary"]
    _headers, arabic = _page(topology, "/login", "ar")
    assert '<html lang="ar" dir="rtl">' in arabic


def test_a_page_with_an_id_in_its_address_names_its_scripts_and_they_come_from_disk(topology):
    _headers, page = _page(topology, "/pay/0f8e2c4a-1111-2222-3333-444455556666", "en")
    modules = re.findall(r'<link rel="modulepreload" href="(/assets/[^"]+)"', page)
    assert any("_pay_" in m for m in modules), modules
    script = request(topology, "GET", modules[-1], headers={"Accept-Encoding": "gzip"})
    assert script.status == 200 and "immutable" in script.headers["cache-control"]
    assert "content-security-policy" not in script.headers
    catalog = request(topology, "GET", i18n.catalog_url("vi"))
    assert catalog.status == 200 and i18n.t("login.submit", "vi").encode() in catalog.body
