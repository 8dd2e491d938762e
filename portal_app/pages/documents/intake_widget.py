"""The client home's first section: the intake forms still to fill in or finish, with how far
each has got. It loads itself when it appears, like the other home sections."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.services.documents import intake
from portal_app.state import WidgetState, run


class IntakeToDoState(WidgetState, rx.State):
    forms: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        todo = await run(intake.open_for_me, actor)
        self.forms = [{"matter_id": f.matter_id, "reference": f.reference, "title": f.title,
                       "label": t("client_home.intake_not_started" if f.status == "not_started"
                                  else "client_home.intake_unfinished", actor.locale,
                                  answered=f.answered, total=f.questions)} for f in todo]


def _form_row(f) -> rx.Component:
    return rx.link(rx.hstack(
        rx.icon("clipboard_list", size=20),
        rx.vstack(rx.text(f["title"], size="2", weight="medium"), rx.text(f["label"], size="1"),
                  rx.text(f["reference"], size="1", color_scheme="gray"), spacing="0", flex="1"),
        rx.icon("chevron_right", size=18), align="center", width="100%",
    ), href="/matters/" + f["matter_id"] + "/intake", underline="none", class_name="intake-todo", width="100%")


def intake_todo_section() -> rx.Component:
    """Nothing at all when every form is submitted: the home then starts with the documents."""
    s = IntakeToDoState
    return rx.box(rx.cond(s.forms.length() > 0, rx.vstack(
        rx.heading(t("client_home.intake_heading"), size="4"),
        rx.vstack(rx.foreach(s.forms, _form_row), width="100%", spacing="2"),
        width="100%", spacing="2", id="intake-todo")), on_mount=s.load, width="100%")
