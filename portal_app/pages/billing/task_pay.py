"""A task link's payment: the pay page's own state and parts (the invoice, the amount, the sandbox
or Stripe form, the result), driven by the link's limited session, which sees that one invoice."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.pages.billing.pay import PayFlow, pay_parts
from portal_app.pages.identity.task_link_state import TaskLinkState, TaskSession
from portal_app.services.identity import task_links
from portal_app.state import run


class TaskPayState(TaskSession, PayFlow, rx.State):
    async def _show(self, actor, state) -> None:
        await super()._show(actor, state)
        if self.step == "done":  # paid in full: the link has done its work
            await run(task_links.finish_if_done, actor)


def task_pay_view() -> rx.Component:
    return rx.vstack(
        *pay_parts(TaskPayState),
        rx.cond(TaskPayState.step != "done", rx.button(
            t("tasklink.turn_off"), on_click=TaskLinkState.turn_off, type="button", variant="soft",
            color_scheme="gray", size="2", id="task-turn-off")),
        spacing="4", width="100%",
    )
