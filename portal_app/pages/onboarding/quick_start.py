"""The quick-start guide for clients (/help/quick-start): how to upload from a phone and how to pay,
step by step, in the reader's language, with pictures of the real pages (phone-sized WebP files in
assets/quick-start/<language>/, made from the running portal by `make quick-start-pictures`; a
language without its own pictures shows the English ones). At the end, the getting-started e-mails
and the button that stops them."""
from __future__ import annotations

from pathlib import Path

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, gated, notice_callout
from portal_app.services.onboarding import stopping
from portal_app.state import PageState, run

ROUTE = "/help/quick-start"
PICTURES = Path(__file__).resolve().parents[3] / "assets" / "quick-start"
PICTURE_NAMES = ("home", "documents", "pay")


def picture_folder(locale: str) -> str:
    """The URL folder of the pictures in this language, or the English ones."""
    here = PICTURES / locale
    return f"/quick-start/{locale}" if all((here / f"{n}.webp").exists() for n in PICTURE_NAMES) else "/quick-start/en"


class QuickStartState(PageState, rx.State):
    pictures: str = "/quick-start/en"
    mails: str = "none"  # running | stopped | finished | none

    @rx.event
    async def load(self):
        return await self._load_page(self._fill, staff=False)

    async def _fill(self, actor) -> None:
        self.pictures = picture_folder(actor.locale)
        self.mails = (await run(stopping.mine, actor)).status

    @rx.event
    async def stop_mails(self):
        return await self._act(stopping.stop_mine, notice=t("onboarding.guide.mails_stopped"),
                               then=self._fill)


def _picture(name: str, alt_key: str) -> rx.Component:
    return rx.image(src=QuickStartState.pictures + f"/{name}.webp", alt=t(alt_key), width="100%", max_width="320px",
                    height="auto", loading="lazy", border="1px solid var(--gray-6)", border_radius="12px",
                    class_name=f"quick-start-picture picture-{name}")


def _steps(prefix: str) -> rx.Component:
    return rx.el.ol(*(rx.el.li(rx.text(t(f"{prefix}_{n}"), size="3")) for n in (1, 2, 3)),
                    padding_inline_start="1.4em", style={"display": "grid", "gap": "0.5em"})


def _section(heading_key: str, prefix: str, pictures: list[tuple[str, str]], anchor: str) -> rx.Component:
    return rx.vstack(
        rx.heading(t(heading_key), size="5", as_="h2"),
        _steps(prefix),
        rx.flex(*(_picture(name, alt) for name, alt in pictures), gap="3", wrap="wrap", width="100%"),
        spacing="3", width="100%", id=anchor)


def _mails() -> rx.Component:
    s = QuickStartState
    return rx.cond(s.mails == "running", rx.vstack(
        rx.heading(t("onboarding.guide.mails_heading"), size="4", as_="h2"),
        rx.text(t("onboarding.guide.mails_running"), size="2"),
        rx.button(t("onboarding.guide.mails_stop"), variant="soft", color_scheme="gray", on_click=s.stop_mails,
                  id="stop-onboarding-mails"),
        spacing="2", width="100%", id="onboarding-mails"))


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("onboarding.guide.title"), size="7", as_="h1"),
        rx.text(t("onboarding.guide.intro"), size="3"),
        _section("onboarding.guide.upload_heading", "onboarding.guide.upload",
                 [("home", "onboarding.guide.alt_home"), ("documents", "onboarding.guide.alt_documents")], "upload"),
        _section("onboarding.guide.pay_heading", "onboarding.guide.pay", [("pay", "onboarding.guide.alt_pay")], "pay"),
        error_callout(QuickStartState.error),
        notice_callout(QuickStartState.notice),
        _mails(),
        rx.link(t("onboarding.guide.back_home"), href="/client", size="2"),
        spacing="5", width="100%")


def quick_start_page() -> rx.Component:
    return shell(gated(QuickStartState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(quick_start_page, route=ROUTE, title=t("onboarding.guide.title"), on_load=QuickStartState.load)
