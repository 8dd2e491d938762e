"""The client home's "your next steps" card: up to three steps read from the case (send the first
document asked for, fill in the questionnaire, pay the retainer), each a link or ticked when done.
"Hide these steps" puts it away for good for this person; the guide link stays on the page."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card, notice_callout
from portal_app.services.onboarding import next_steps
from portal_app.state import WidgetState, run

# One static icon per kind of step. An icon named by state (`rx.icon(step["icon"])`) made Reflex ship
# Lucide's map of all ~1,800 icons in the client home's module (294 KB; 55 KB without it; issue 15).
ICONS = {"upload": "upload", "intake": "clipboard_list", "pay": "credit_card"}


class NextStepsState(WidgetState, rx.State):
    steps: list[dict[str, str]] = []
    shown: bool = False

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        found = await run(next_steps.for_me, actor)
        self.shown = not found.dismissed and bool(found.steps)
        self.steps = [{"kind": step.kind, "href": step.href,
                       "done": "yes" if step.done else "",
                       "label": t(f"onboarding.next.{step.kind}" + ("_done" if step.done else ""), actor.locale,
                                  title=step.title)} for step in found.steps]

    @rx.event
    async def dismiss(self):
        return await self._act(self._dismiss, notice=t("onboarding.next.dismissed"))

    async def _dismiss(self, actor) -> None:
        await run(next_steps.dismiss, actor)
        self.shown, self.steps = False, []


def _icon(kind) -> rx.Component:
    return rx.match(kind, *[(name, rx.icon(icon, size=20)) for name, icon in ICONS.items()], rx.fragment())


def _step(step) -> rx.Component:
    label = rx.hstack(_icon(step["kind"]), rx.text(step["label"], size="2", weight="medium", flex="1"),
                      align="center", width="100%")
    return rx.cond(
        step["done"] == "yes",
        rx.hstack(rx.icon("circle_check", size=20, color="var(--green-11)"),
                  rx.text(step["label"], size="2", flex="1"), rx.badge(t("onboarding.next.done"), color_scheme="green"),
                  align="center", width="100%", class_name="next-step next-step-done"),
        rx.link(rx.hstack(label, rx.icon("chevron_right", size=18), align="center", width="100%"),
                href=step["href"], underline="none", width="100%", class_name="next-step"),
    )


def next_steps_section() -> rx.Component:
    s = NextStepsState
    return rx.box(
        rx.cond(s.shown, card(
            rx.heading(t("onboarding.next.heading"), size="4", as_="h2"),
            rx.text(t("onboarding.next.intro"), size="2"),
            rx.vstack(rx.foreach(s.steps, _step), width="100%", spacing="3"),
            rx.hstack(
                rx.link(t("onboarding.guide_link"), href="/help/quick-start", size="2"),
                rx.button(t("onboarding.next.dismiss"), variant="soft", color_scheme="gray", on_click=s.dismiss,
                          id="dismiss-next-steps"),
                justify="between", align="center", wrap="wrap", width="100%", spacing="3"),
            id="next-steps")),
        notice_callout(s.notice),
        on_mount=s.load, width="100%")
