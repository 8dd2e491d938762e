"""Radix Themes, cut to what the portal's pages use (issue 15).

Reflex's Radix plugin gives every page the whole library twice over: the package as a "frontend
dependency", which Reflex imports whole (`import * as ...`) into the app root for dynamic
components (the portal has none: no state var holds a component), so no component could be left
out of the bundle; and the whole sheet (`@radix-ui/themes/styles.css`, 0.70 MB decoded, in every
page's one stylesheet). This plugin declares no frontend dependency (the components still install
the package through their own imports), so the bundler keeps only the components the pages
import. Radix ships its sheet in parts: this plugin imports the colour scales
the portal names (COLORS), the base tokens, the components and the utilities; after the production
build it removes every rule that only styles a Radix component no page can show: a rule is kept
when one of its selectors names no component class (`rt-Button`, `rt-SelectContent`, ...) missing
from the scripts the pages load (React Router's manifest: every route's module and its static
imports). The utility classes (`rt-r-*`, built from prop values at run time) are kept, but their
breakpoint forms (`md:rt-r-p-2`, 0.25 MB) only when a page script holds a responsive value (an
object keyed by a breakpoint, `{md: "2"}`): Radix makes those classes from nothing else.

A colour used anywhere in portal_app must be in COLORS (tests/unit/test_theme_css.py checks it).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from reflex.plugins import RadixThemesPlugin

RADIX = "@radix-ui/themes"
# indigo: the accent; slate: indigo's own grey (Radix's "auto" grey); the rest: color_scheme values
COLORS = ("indigo", "slate", "gray", "amber", "blue", "green", "orange", "purple", "red")
COMPONENT_CLASS = re.compile(r"\brt-[A-Z][A-Za-z0-9]*")
MANIFEST_PATHS = re.compile(r'"(?:module|imports)":(\[[^\]]*\]|"[^"]*")')
STATIC_IMPORT = re.compile(r'(?:\bfrom|\bimport)\s*"\./([^"]+\.js)"')  # not import("./x.js"): loaded on demand
BREAKPOINT_CLASS = re.compile(r"\.(?:xs|sm|md|lg|xl)\\:")
RESPONSIVE_VALUE = re.compile(r'[{,]\s*\[?\s*["\'`]?(?:xs|sm|md|lg|xl)["\'`]?\s*\]?\s*:')
KEPT_AT_RULES = ("@font-face", "@keyframes", "@property", "@import", "@charset", "@layer __reflex_base;")


class PortalRadixThemes(RadixThemesPlugin):
    def get_frontend_dependencies(self, **context) -> tuple[str, ...]:
        return ()

    def get_stylesheet_paths(self, **context) -> tuple[str, ...]:
        if not self.enabled:
            return ()
        colors = tuple(f"{RADIX}/tokens/colors/{color}.css" for color in COLORS)
        # tokens.css's own order: the scales, then the base that maps --gray-* to the theme's grey
        return (*colors, f"{RADIX}/tokens/base.css", f"{RADIX}/components.css", f"{RADIX}/utilities.css")

    def post_build(self, **context) -> None:
        prune_build(Path(context["static_dir"]))


def page_scripts(static_dir: Path) -> list[Path]:
    """Every script a page of the build loads: what React Router's manifest names (each route's
    module and its imports), and what those import in turn."""
    assets = static_dir / "assets"
    todo: list[str] = []
    for manifest in assets.glob("manifest-*.js"):
        for found in MANIFEST_PATHS.findall(manifest.read_text(encoding="utf-8")):
            value = json.loads(found)
            todo.extend(Path(name).name for name in (value if isinstance(value, list) else [value]))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or not (assets / name).is_file():
            continue
        seen.add(name)
        todo.extend(STATIC_IMPORT.findall((assets / name).read_text(encoding="utf-8")))
    return [assets / name for name in sorted(seen)]


def used_component_classes(scripts: list[Path]) -> set[str]:
    found: set[str] = set()
    for script in scripts:
        found.update(COMPONENT_CLASS.findall(script.read_text(encoding="utf-8")))
    return found


def uses_responsive_values(scripts: list[Path]) -> bool:
    return any(RESPONSIVE_VALUE.search(script.read_text(encoding="utf-8")) for script in scripts)


def _live(selector: str, used: set[str], responsive: bool) -> bool:
    """A breakpoint class anywhere in the selector needs a responsive value; a component class, as
    before, only in one of the alternatives a comma makes (`:where(.rt-Slider, .x)` may match `.x`)."""
    if not responsive and BREAKPOINT_CLASS.search(selector):
        return False
    return any(set(COMPONENT_CLASS.findall(part)) <= used for part in selector.split(","))


def _selectors(prelude: str) -> list[str]:
    """A selector list split at its own commas, not at those inside `:where(a, b)` or `:is(...)`
    (split there, `.x:where(.xs\\:rt-r-size-1) :where(.a,.b)` left `.b)`, which names no breakpoint,
    and the rule stayed: 30 such rules in the build of 12-02)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            out.append(prelude[start:i])
            start = i + 1
    return [*out, prelude[start:]]


def _blocks(css: str) -> Iterator[tuple[str, str | None]]:
    """Top-level (prelude, body) pairs of a style sheet; body None for a statement (`@import ...;`)."""
    start, depth, quote, i = 0, 0, "", 0
    prelude_end = 0
    while i < len(css):
        ch = css[i]
        if quote:
            quote = "" if ch == quote and css[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            if depth == 0:
                prelude_end = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                yield css[start:prelude_end].strip(), css[prelude_end + 1:i]
                start = i + 1
        elif ch == ";" and depth == 0:
            yield css[start:i + 1].strip(), None
            start = i + 1
        i += 1


def prune_css(css: str, used: set[str], responsive: bool = True) -> str:
    out = []
    for prelude, body in _blocks(css):
        if body is None or prelude.startswith(KEPT_AT_RULES):
            out.append(prelude if body is None else f"{prelude}{{{body}}}")
        elif prelude.startswith("@"):  # @media, @supports, @layer, @container: what is inside
            inner = prune_css(body, used, responsive)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif any(_live(selector, used, responsive) for selector in _selectors(prelude)):
            out.append(f"{prelude}{{{body}}}")
    return "".join(out)


def prune_build(static_dir: Path) -> None:
    scripts = page_scripts(static_dir)
    used = used_component_classes(scripts)
    if not used:  # not a build this understands (no manifest): leave it whole
        return
    responsive = uses_responsive_values(scripts)
    for sheet in (static_dir / "assets").glob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        if "rt-" in text:
            sheet.write_text(prune_css(text, used, responsive), encoding="utf-8")
