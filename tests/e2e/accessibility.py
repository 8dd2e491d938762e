"""axe-core (npm, installed into tools/ by the set-up) run inside the page the test is looking at.

`assert_accessible(page)` fails on any critical or serious violation and names the rule and the
elements. axe is evaluated through the DevTools protocol, so the page's strict Content-Security-Policy
stays as it is (no script tag is added)."""
from __future__ import annotations

from pathlib import Path

AXE_PATH = Path(__file__).resolve().parents[2] / "tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def _load_axe(page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;true")


def violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The axe violations of the page as it is now, of the given impacts."""
    _load_axe(page)
    return [v for v in page.evaluate(_RUN) if v["impact"] in impacts]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    lines = [f"  {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in found]
    assert not found, f"axe found {len(found)} blocking violation(s) on {where or page.url}:\n" + "\n".join(lines)
