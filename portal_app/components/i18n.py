"""Page text in the reader's language, although Reflex compiles every page only once.

`t(key, **params)` on a page returns a Var: a small JS expression that looks the key up in the
catalog the browser loaded for this reader (`/api/i18n/<lang>.<version>.js`, a same-origin script
the page-language middleware puts into the page's <head>; api/page_language.py). Only the reader's
language is sent, so a page weighs the same with one language or six. The English text is inlined
as the fallback (what the prerendered HTML shows before the catalog runs). The expression reads
the reader's language through `useSyncExternalStore`: "en" while React hydrates the prerendered
HTML (so hydration matches and nothing is thrown away), the served language right after, and the
new one when the reader switches (the texts re-render in place; what was typed stays).

`t(key, locale, **params)` with a locale (in event handlers, with `actor.locale`) is the server-side
`t`: a plain string, as services and mails use it.
"""
from __future__ import annotations

import asyncio
import json
import re

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import Var, VarData

from portal_app.services.kernel import i18n
from portal_app.state import SessionState

PLACEHOLDER = re.compile(r"\{(\w+)\}")
# The reader's language inside every component that shows text: "en" while React hydrates the
# prerendered (English) HTML, so hydration matches; right after, the language the page was served in
# (<html lang>); and again whenever the switch loads another catalog (the "portal-lang" event).
LANG_HOOK = ("const portalLang = useSyncExternalStore(globalThis.__portalLangSubscribe ?? __portalNoSubscribe, "
             "() => globalThis.document?.documentElement?.lang || \"en\", () => \"en\");")
NO_SUBSCRIBE = "const __portalNoSubscribe = () => () => {};"
LANG = Var(_js_expr="portalLang", _var_type=str,
           _var_data=VarData(imports={"react": [ImportVar(tag="useSyncExternalStore")]},
                             hooks={NO_SUBSCRIBE: None, LANG_HOOK: None})).to(str)


def _js(value: object) -> tuple[str, VarData | None]:
    var = value if isinstance(value, Var) else Var.create(value)
    return str(var), var._get_all_var_data()


def _fallback(english: str, params: dict[str, tuple[str, VarData | None]]) -> str:
    """The English text as a JS string expression, placeholders joined in (before the catalog runs)."""
    parts, last = [], 0
    for m in PLACEHOLDER.finditer(english):
        parts.append(json.dumps(english[last:m.start()]))
        parts.append(f"String({params[m.group(1)][0]})" if m.group(1) in params else json.dumps(m.group(0)))
        last = m.end()
    parts.append(json.dumps(english[last:]))
    return "(" + " + ".join(p for p in parts if p != '""') + ")" if len(parts) > 1 else parts[0]


def _answering_an_event() -> bool:
    """Pages compile outside any event loop; event handlers run inside one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def t(key: str, locale: str | None = None, **params: object):
    locale = locale or i18n.READER_LOCALE.get()
    if locale is not None:
        return i18n.t(key, locale, **params)
    if _answering_an_event():  # a handler, before the page state resolved who is asking
        return i18n.LaterText(key, params)
    entry = i18n.catalog(i18n.DEFAULT_LOCALE).get(key, key)
    english = entry[-1] if isinstance(entry, tuple) else entry
    js = {name: _js(value) for name, value in params.items()}
    args = "{" + ",".join(f"{json.dumps(n)}:{code}" for n, (code, _d) in js.items()) + "}"
    en_arg = json.dumps(list(entry) if isinstance(entry, tuple) else entry, ensure_ascii=False)
    expr = (f"(globalThis.__pt ? globalThis.__pt({LANG}, {json.dumps(key)}, {args}, {en_arg}) "
            f": {_fallback(english, js)})")
    data = VarData.merge(LANG._get_all_var_data(), *(d for _c, d in js.values()))
    return Var(_js_expr=expr, _var_type=str, _var_data=data).to(str)


def shown_language() -> Var:
    """The reader's language: the one the page was served in, or switched to since."""
    return LANG


def language_switch() -> rx.Component:
    """The language menu on every page: each language in its own name; the choice is saved on the
    account (or, signed out, in a cookie) and the page re-renders in place. Until the page is live
    (hydrated, its load done) the switch is disabled: a choice made earlier reached nobody and was
    put back by the page a moment later, which on a slow phone looked like a switch that ignores you."""
    offered = offered_languages()
    return rx.el.select(
        *[rx.el.option(lang.name, value=lang.code, lang=lang.code, style={"color": "black"}) for lang in offered],
        value=shown_language(),
        on_change=SessionState.choose_language,
        disabled=~rx.State.is_hydrated,
        aria_label="Language / Idioma / 语言 / Ngôn ngữ / Idioma / اللغة",
        id="language-switch",
        style={"background": "transparent", "color": "white", "border": "1px solid white",
               "border_radius": "4px", "padding": "2px 4px", "font_size": "13px", "max_width": "9.5em"},
    )


def offered_languages() -> list[i18n.Language]:
    """The languages a person may read the portal in (complete catalogs), each in its own name."""
    return [i18n.LANGUAGES[code] for code in i18n.offered_locales()]


class _ServedLang(Var):
    """The app's `html_lang` is tested for truth (`html_lang or "en"`) before it is rendered."""

    def __bool__(self) -> bool:
        return True


def served_document_attrs() -> tuple[Var, dict[str, Var]]:
    """`<html lang>` and `dir` as the page-language middleware served them. React re-renders the whole
    document when the prerendered English text differs from the reader's (a hydration mismatch it
    recovers from); reading the attributes back keeps it from resetting them to the build's "en"."""
    lang = _ServedLang(_js_expr='(globalThis.document?.documentElement?.lang || "en")', _var_type=str)
    direction = Var(_js_expr='(globalThis.document?.documentElement?.dir || "ltr")', _var_type=str)
    return lang, {"dir": direction}
