"""On a matter's page, for its legal team: where the client's getting-started e-mails stand, and the
button that stops them. Nothing at all for anyone else (the service says not allowed)."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card, error_callout, notice_callout
from portal_app.services.onboarding import stopping
from portal_app.state import WidgetState, run


class OnboardingMatterState(WidgetState, rx.State):
    status: str = ""
    label: str = ""

    async def _fill(self, actor) -> None:
        found = await run(stopping.for_matter, actor, self._url_segment())
        reason = t(f"onboarding.staff.reason.{found.stop_reason}", actor.locale) if found.stop_reason else ""
        self.status = found.status
        self.label = t(f"onboarding.staff.status.{found.status}", actor.locale, reason=reason)

    @rx.event
    async def load(self):
        self.status, self.label, self.access = "", "", "checking"
        return await self._load_page(self._fill)

    @rx.event
    async def stop(self):
        return await self._act(stopping.stop_for_matter, self._url_segment(), notice=t("onboarding.staff.stopped_notice"),
                               then=self._fill)


def matter_onboarding_section() -> rx.Component:
    s = OnboardingMatterState
    return rx.box(rx.cond(s.access == "ok", card(
        rx.heading(t("onboarding.staff.heading"), size="3", as_="h2"),
        rx.text(s.label, size="2", id="onboarding-status"),
        rx.cond(s.status == "running", rx.button(t("onboarding.staff.stop"), variant="soft", color_scheme="gray",
                                                 on_click=s.stop, id="stop-client-onboarding")),
        error_callout(s.error), notice_callout(s.notice), id="matter-onboarding")), on_mount=s.load, width="100%")
