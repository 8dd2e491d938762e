"""The catalogs: every key the code uses exists; a complete language has every key and content text
with the same placeholders; no page string bypasses the translation function; plurals, fallback,
Accept-Language and the content's "needs review"."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from portal_app.services.kernel import i18n, policy, translations

ROOT = Path(__file__).resolve().parents[2] / "portal_app"
ERRORS = r"(?:InvalidInput|NotAllowed|NotFound|Conflict|InvalidLink|SignInFailed|RateLimited|PortalError)"
KEY_USES = re.compile(rf"""(?:\bt|{ERRORS})\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
TEMPLATES = re.compile(r"""template=["']([a-z_]+)["']""")
# Languages shipped complete: every key (COMPLETE) or everything a client reads (FOR_CLIENTS), and
# every content text either way.
COMPLETE = ("en", "es")
FOR_CLIENTS = ("zh-Hans", "vi", "pt-BR", "ar")


def _source() -> str:
    return "\n".join(p.read_text() for p in ROOT.rglob("*.py"))


def test_every_used_key_exists():
    catalog = i18n.catalog("en")
    source = _source()
    used = set(KEY_USES.findall(source))
    used |= {f"mail.{name}.{part}" for name in TEMPLATES.findall(source) for part in ("subject", "body")}
    used |= {f"role.{r}" for r in policy.ROLES}
    used |= {f"matter.status.{s}" for s in ("open", "filed", "approved", "denied", "closed")}
    missing = sorted(k for k in used if k not in catalog)
    assert not missing, missing
    assert len(used) > 60


@pytest.mark.parametrize("locale", COMPLETE)
def test_a_complete_language_has_every_key_and_content_text(locale):
    english = {k for k, v in i18n.catalog("en").items() if v}  # an empty English entry has nothing to translate
    missing = sorted(english - set(i18n.catalog(locale)))
    assert not missing, f"{locale} misses {len(missing)} keys: {missing[:10]}"
    if locale != "en":
        texts = translations.content_texts()
        untranslated = sorted(texts - set(i18n.area_catalog(locale, i18n.CONTENT_AREA)))
        assert not untranslated, f"{locale} misses {len(untranslated)} content texts: {untranslated[:5]}"
    assert locale in i18n.offered_locales()


@pytest.mark.parametrize("locale", FOR_CLIENTS)
def test_a_language_for_clients_has_every_client_key_and_content_text(locale):
    missing = sorted(i18n.client_keys() - set(i18n.catalog(locale)))
    assert not missing, f"{locale} misses {len(missing)} client keys: {missing[:10]}"
    untranslated = sorted(translations.content_texts() - set(i18n.area_catalog(locale, i18n.CONTENT_AREA)))
    assert not untranslated, untranslated[:5]
    assert locale in i18n.offered_locales()


def test_the_client_key_list_and_the_english_content_are_current():
    listed = sorted(i18n.client_keys())
    assert listed == translations.scan_client_keys(), "rewrite locales/client_keys.txt from translations.scan_client_keys()"
    assert set(i18n.content_msgids()) == translations.content_texts(), "update en/content.po from the yaml files"
    assert len(listed) > 300


def test_a_language_missing_one_client_key_is_not_offered(tmp_path, monkeypatch):
    import shutil
    for code in ("en", "vi"):
        shutil.copytree(i18n.LOCALE_DIR / code, tmp_path / code)
    shutil.copy(i18n.LOCALE_DIR / "client_keys.txt", tmp_path / "client_keys.txt")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.clear_caches()
    try:
        assert i18n.offered_locales() == ("en", "vi")
        path = tmp_path / "vi" / "core.po"
        path.write_text(path.read_text(encoding="utf-8").replace('msgid "login.submit"', 'msgid "login.submit_gone"'),
                        encoding="utf-8")
        i18n.clear_caches()
        assert i18n.offered_locales() == ("en",)
    finally:
        monkeypatch.undo()
        i18n.clear_caches()


def _names(entry) -> set[str]:
    forms = entry if isinstance(entry, tuple) else (entry,)
    return {name for form in forms for _lit, name, _spec, _conv in string.Formatter().parse(form) if name}


@pytest.mark.parametrize("locale", [c for c in i18n.available_locales() if c != "en"])
def test_placeholders_are_the_same_in_every_language(locale):
    english = i18n.catalog("en")
    differ = {key: (sorted(_names(english[key])), sorted(_names(text)))
              for key, text in i18n.catalog(locale).items() if key in english and _names(text) != _names(english[key])}
    assert not differ, differ
    content = {en: (sorted(_names(en)), sorted(_names(text)))
               for en, text in i18n.area_catalog(locale, i18n.CONTENT_AREA).items() if _names(text) != _names(en)}
    assert not content, content


PAGE_CALLS = {"text", "button", "heading", "link", "badge", "callout", "item", "option", "column_header_cell",
              "strong", "label", "checkbox", "tooltip", "em", "trigger", "menu_item"}
ALLOWED_LITERALS = {"MB", "—", "/", "·", ":", "%"}  # units and punctuation read the same in every language


def page_literals(paths, root: Path = ROOT.parent) -> list[str]:
    """Literal strings with letters handed to a component that shows text: each one bypasses `t`."""
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in PAGE_CALLS:
                continue
            shown = node.args[:1] + [k.value for k in node.keywords if k.arg in ("placeholder", "title", "label")]
            for arg in shown:
                literal = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
                if isinstance(arg, ast.JoinedStr):
                    literal = ast.unparse(arg)
                if literal and any(c.isalpha() for c in literal) and literal.strip() not in ALLOWED_LITERALS:
                    found.append(f"{path.relative_to(root)}:{node.lineno}: {name}({literal!r})")
    return found


def test_no_page_string_bypasses_the_translation_function():
    paths = sorted((ROOT / "pages").rglob("*.py")) + sorted((ROOT / "components").rglob("*.py"))
    assert len(paths) > 30
    assert not page_literals(paths)


def test_the_page_check_catches_a_literal(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('import reflex as rx\n\ndef p():\n    return rx.vstack(rx.heading("Upload documents"), '
                    'rx.button(t("documents.send")), rx.text(f"Hello {name}"))\n')
    found = page_literals([page], root=tmp_path)
    assert len(found) == 2 and "Upload documents" in found[0] and "Hello" in found[1]


def test_plurals_follow_each_language():
    assert i18n.t("sessions.password_changed", "en", count=1).endswith("1 other session was signed out.")
    assert i18n.t("sessions.password_changed", "en", count=3).endswith("3 other sessions were signed out.")
    assert "sesión más" in i18n.t("sessions.password_changed", "es", count=1)
    assert "sesiones más" in i18n.t("sessions.password_changed", "es", count=2)
    assert [i18n.plural_index("ar", n) for n in (0, 1, 2, 5, 11, 100)] == [0, 1, 2, 3, 4, 5]
    assert i18n.plural_index("zh-Hans", 5) == 0


def test_fallback_and_parameters():
    assert i18n.t("auth.locked", "es", minutes=3).startswith("Demasiados intentos. Por favor, espere 3 minutos")
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.t("auth.locked", "xx", minutes=3).startswith("Too many sign-in attempts")
    assert "en" in i18n.available_locales()


def test_accept_language_best_match():
    offered = ("en", "es", "zh-Hans", "vi", "pt-BR", "ar")
    assert i18n.best_match("vi-VN,vi;q=0.9,en;q=0.5", offered) == "vi"
    assert i18n.best_match("en;q=0.4, es-MX;q=0.9", offered) == "es"
    assert i18n.best_match("zh-CN,zh;q=0.9", offered) == "zh-Hans"
    assert i18n.best_match("zh-TW", offered) == "en"
    assert i18n.best_match("pt", offered) == "pt-BR"
    assert i18n.best_match("fr-FR, de", offered) == "en"
    assert i18n.best_match("", offered) == "en"
    assert i18n.reader_locale("es", "en", "vi") == "es"
    assert i18n.reader_locale("xx", None, "es-US") == "es"


def test_content_in_the_readers_language_and_a_staff_edit_needs_review():
    assert i18n.content("Passport bio page", "es") == "Página de datos del pasaporte"
    assert i18n.content("Passport bio page", "en") == "Passport bio page"
    edited = "Passport bio page (all pages with stamps too)"
    assert i18n.content(edited, "es") == edited  # the English shows until a translator updates it
    assert translations.needs_review("es", {"Passport bio page", edited}) == {edited}
    body = i18n.t("digest.document_missing", "es", title="Passport bio page", date="1 de diciembre", days=3)
    assert "Página de datos del pasaporte" in body and "Passport bio page" not in body  # content inside a mail


def test_status_counts_each_area():
    rows = {r.area: r for r in translations.coverage("es")}
    assert rows["core"].done == rows["core"].total > 100
    assert rows["billing"].done == rows["billing"].total  # its one empty English entry needs no translation
    assert rows["content (yaml)"].percent == 100.0
    english = {r.area: r for r in translations.coverage("en")}
    assert english["billing"].percent == 100.0


def test_page_text_is_a_var_when_compiled_and_a_string_in_a_handler():
    import asyncio

    from reflex.vars.base import Var

    from portal_app.components.i18n import t as page_t

    assert isinstance(page_t("login.submit"), Var)  # compiling: no event loop, no reader yet

    async def handler():
        early = page_t("review.added_notice")  # before the page state resolved who is asking
        token = i18n.READER_LOCALE.set("es")
        try:
            return early, page_t("login.submit")
        finally:
            i18n.READER_LOCALE.reset(token)

    early, resolved = asyncio.run(handler())
    assert isinstance(early, i18n.LaterText) and early == "Added to this matter's checklist."
    assert i18n.in_language(early, "vi") == i18n.t("review.added_notice", "vi")
    assert resolved == "Iniciar sesión"


def test_an_empty_entry_stays_empty():
    assert i18n.t("webhook.col_replay") == ""  # a column without a heading, not "webhook.col_replay"
