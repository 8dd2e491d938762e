"""The Radix Themes sheet cut to what the pages use (portal_app/components/theme_css.py): every
colour the portal names has its scale imported; a rule goes only when every selector of it styles a
component no page script names; what pages load is read from the build's own manifest."""
from __future__ import annotations

import re
from pathlib import Path

import reflex as rx

from portal_app.components import theme_css

ROOT = Path(__file__).resolve().parents[2]
RADIX_COLORS = ("tomato red ruby crimson pink plum purple violet iris indigo blue cyan teal jade green grass bronze "
                "gold brown orange amber yellow lime mint sky gray mauve slate sage olive sand").split()


def test_every_colour_the_portal_names_has_its_scale_imported():
    named = set()
    for source in (ROOT / "portal_app").rglob("*.py"):
        named.update(re.findall(r"[\"'](" + "|".join(RADIX_COLORS) + r")[\"']", source.read_text(encoding="utf-8")))
    named.discard("mint")  # services/files/links.py: mint() a download link, not a colour
    assert named and named <= set(theme_css.COLORS), named - set(theme_css.COLORS)
    paths = theme_css.PortalRadixThemes().get_stylesheet_paths()
    assert paths[-3:] == ("@radix-ui/themes/tokens/base.css", "@radix-ui/themes/components.css",
                          "@radix-ui/themes/utilities.css")  # base after the scales, as in tokens.css
    assert all(f"@radix-ui/themes/tokens/colors/{color}.css" in paths for color in theme_css.COLORS)


def test_the_package_comes_with_the_components_not_as_a_whole_namespace_on_every_page():
    """No frontend dependency: Reflex would import the whole library into the app root. The package
    is still installed, because each Radix component names it as its own library."""
    assert theme_css.PortalRadixThemes().get_frontend_dependencies() == ()
    assert rx.button("x").library.startswith("@radix-ui/themes@") and rx.select(["a"]).library.startswith("@radix-ui/themes@")


def test_rules_of_components_no_page_uses_go_and_everything_else_stays():
    css = ('@layer __reflex_base;@font-face{font-family:"X{";src:local(X)}'
           ".rt-Button{color:red}.rt-Slider{color:blue}.rt-SliderThumb,.rt-Button:hover{color:green}"
           ".rt-r-size-2{padding:1px}@media (min-width:520px){.rt-Slider{top:0}.md\\:rt-r-p-2{padding:2px}}"
           "@supports (color:red){.rt-Slider{left:0}}.rt-Button:where(.rt-Slider, .x){margin:0}"
           "@keyframes rt-slide{from{opacity:0}to{opacity:1}}")
    pruned = theme_css.prune_css(css, {"rt-Button", "rt-BaseButton"})
    assert pruned == ('@layer __reflex_base;@font-face{font-family:"X{";src:local(X)}'
                      ".rt-Button{color:red}.rt-SliderThumb,.rt-Button:hover{color:green}.rt-r-size-2{padding:1px}"
                      "@media (min-width:520px){.md\\:rt-r-p-2{padding:2px}}.rt-Button:where(.rt-Slider, .x){margin:0}"
                      "@keyframes rt-slide{from{opacity:0}to{opacity:1}}")


def test_the_pages_scripts_are_the_manifests_and_their_static_imports_not_what_loads_on_demand(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "manifest-1.js").write_text('window.__reactRouterManifest={"entry":{"module":"/assets/entry.js",'
                                          '"imports":["/assets/shared.js"],"css":["/assets/a.css"]}}')
    (assets / "entry.js").write_text('import{a}from"./shared.js";import"./side.js";x.className="rt-Button"')
    (assets / "shared.js").write_text('const b="rt-Badge";')
    (assets / "side.js").write_text('const l=()=>import("./lazy.js");')
    (assets / "lazy.js").write_text('const s="rt-Slider";')
    (assets / "a.css").write_text(".rt-Button{color:red}.rt-Badge{color:blue}.rt-Slider{color:green}")
    assert [p.name for p in theme_css.page_scripts(tmp_path)] == ["entry.js", "shared.js", "side.js"]
    theme_css.prune_build(tmp_path)
    assert (assets / "a.css").read_text() == ".rt-Button{color:red}.rt-Badge{color:blue}"


def test_a_build_without_a_manifest_is_left_whole(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.css").write_text(".rt-Slider{color:green}")
    theme_css.prune_build(tmp_path)
    assert (tmp_path / "assets" / "a.css").read_text() == ".rt-Slider{color:green}"


def test_breakpoint_utilities_go_unless_a_page_script_holds_a_responsive_value(tmp_path):
    css = ".rt-r-p-2{padding:1px}@media (min-width:768px){.md\\:rt-r-p-2{padding:2px}.rt-Button{top:0}}"
    assert theme_css.prune_css(css, {"rt-Button"}, responsive=False) == (
        ".rt-r-p-2{padding:1px}@media (min-width:768px){.rt-Button{top:0}}")
    assert theme_css.prune_css(css, {"rt-Button"}, responsive=True) == css
    for source, responsive in (('x({p:"2"})', False), ('x({p:{initial:"1",md:"2"}})', True),
                               ('x({p:{["initial"]:"1",["lg"]:"3"}})', True), ("t={xs:'520px'}", True)):
        (tmp_path / "page.js").write_text(source)
        assert theme_css.uses_responsive_values([tmp_path / "page.js"]) is responsive, source


def test_a_selector_list_is_split_at_its_own_commas_not_inside_where():
    """Split inside `:where(.a,.b)`, a breakpoint rule left a live-looking `.rt-Button)` and stayed
    (30 such rules in the build of 12-02)."""
    css = (".rt-Menu:where(.xs\\:rt-r-size-1) :where(.rt-Button,.rt-Icon){width:8px}"
           ".rt-Menu:where(.rt-r-size-1) :where(.rt-Button,.rt-Icon){width:9px}")
    assert theme_css.prune_css(css, {"rt-Menu", "rt-Button", "rt-Icon"}, responsive=False) == (
        ".rt-Menu:where(.rt-r-size-1) :where(.rt-Button,.rt-Icon){width:9px}")
