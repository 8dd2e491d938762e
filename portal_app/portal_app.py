"""The Reflex app: pages, the /api routes, the request guard and the background loop."""

import logging

import reflex as rx
from reflex.event import EventSpec

from portal_app.api import RequestGuard, UploadItemLimit, build_api
from portal_app.jobs.loop import background_loop
from portal_app.pages import (admin_users, client_home, entry, invite, login, matter, new_matter, reset, sessions,
                              set_password, staff_home)
from portal_app.pages import checklist_dashboard, checklist_review, documents, intake_form, template_editor
from portal_app.pages import billing_settings_page, billing_staff, invoice_new, invoice_staff, pay, receipt
from portal_app.pages import trust_page, webhooks_page
from portal_app.pages import jobs_admin, mail_settings, tasks
from portal_app.services.i18n import t
from portal_app.services.settings import get_settings

log = logging.getLogger("portal")


def backend_error(exception: Exception) -> EventSpec:
    """Log the trace; the browser only ever gets a plain sentence."""
    log.error("unhandled error in an event handler", exc_info=exception)
    return rx.toast.error(t("error.server"), id="backend_error", position="top-center")


def _style() -> dict:
    color = get_settings().firm_color
    return {
        "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        ".radix-themes": {"--accent-9": color, "--accent-10": color, "--focus-8": color},
    }


app = rx.App(
    style=_style(),
    api_transformer=[build_api(), UploadItemLimit, RequestGuard],
    backend_exception_handler=backend_error,
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)
app.register_lifespan_task(background_loop)
for page in (entry, login, set_password, reset, client_home, staff_home, matter, new_matter, invite, sessions,
             admin_users, documents, intake_form, checklist_review, checklist_dashboard, template_editor,
             pay, receipt, billing_staff, invoice_new, invoice_staff, trust_page, billing_settings_page, webhooks_page,
             tasks, jobs_admin, mail_settings):
    page.register(app)
