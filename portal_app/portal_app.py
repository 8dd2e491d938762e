"""The Reflex app: pages, the /api routes, the request guard and the background loop."""

import logging

import reflex as rx
from reflex.event import EventSpec

from portal_app.api import OriginCheck, PageLanguage, RequestGuard, UploadItemLimit, build_api
from portal_app.components.i18n import served_document_attrs
from portal_app.jobs.loop import background_loop
from portal_app.pages.automation import jobs as jobs_admin
from portal_app.pages.billing import invoice_new, invoice_staff, pay, receipt
from portal_app.pages.billing import settings as billing_settings_page
from portal_app.pages.billing import staff as billing_staff
from portal_app.pages.billing import trust as trust_page
from portal_app.pages.billing import webhooks as webhooks_page
from portal_app.pages.conversations import inbox as message_inbox
from portal_app.pages.conversations import thread as message_thread
from portal_app.pages.onboarding import quick_start
from portal_app.pages.documents import client_documents as documents
from portal_app.pages.documents import dashboard as checklist_dashboard
from portal_app.pages.documents import intake as intake_form
from portal_app.pages.documents import review as checklist_review
from portal_app.pages.documents import templates as template_editor
from portal_app.pages.engagement import client as engagement_letter
from portal_app.pages.engagement import templates as engagement_templates
from portal_app.pages.identity import entry, invite, login, reset, security, sessions, set_password, task_link
from portal_app.pages.identity import people as admin_users
from portal_app.pages.insights import dashboard as insights_page
from portal_app.pages.matters import client_home, employer_home, staff_home
from portal_app.pages.matters import detail as matter
from portal_app.pages.matters import new as new_matter
from portal_app.pages.messaging import mail_settings
from portal_app.pages.messaging import outbox as outbox_page
from portal_app.pages.records import retention as records_page
from portal_app.pages.support import client as support_client
from portal_app.pages.support import settings as support_settings
from portal_app.pages.support import signed_out as support_help
from portal_app.pages.support import staff as support_staff
from portal_app.pages.tasks import my_tasks as tasks
from portal_app.services.kernel.i18n import offered_locales, t
from portal_app.services.kernel.settings import get_settings
from portal_app.state import TabOwnerGuard

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
        # Radix's soft badges and callouts draw text in step 11 of their colour, under 4.5:1 for green,
        # amber, orange (axe: serious color-contrast); step 12 reads at every colour (issue 9).
        ".rt-Badge, .rt-CalloutText": {"color": "var(--accent-12)"},
    }


HTML_LANG, HTML_ATTRS = served_document_attrs()
app = rx.App(
    style=_style(),
    stylesheets=["/rtl.css", "/menu.css", "/views.css"],  # right-to-left icons; the account menu; views on a phone
    html_lang=HTML_LANG,  # type: ignore[arg-type] - a Var: the reader's language, set per response
    html_custom_attrs=HTML_ATTRS,  # type: ignore[arg-type]
    api_transformer=[build_api(), UploadItemLimit, OriginCheck, PageLanguage, RequestGuard],
    backend_exception_handler=backend_error,
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)
app.register_lifespan_task(background_loop)
app.add_middleware(TabOwnerGuard())  # a tab never hydrates with a previous user's data
for page in (entry, login, set_password, reset, security, client_home, staff_home, matter, new_matter, invite, sessions,
             admin_users, documents, intake_form, checklist_review, checklist_dashboard, template_editor,
             pay, receipt, billing_staff, invoice_new, invoice_staff, trust_page, billing_settings_page, webhooks_page,
             tasks, jobs_admin, mail_settings, insights_page, records_page,
             message_thread, message_inbox, support_client, support_help, support_staff, support_settings,
             task_link):
    page.register(app)
outbox_page.register(app)  # issue 9: the administrator's outbox
employer_home.register(app)  # issue 12: the employer's portal
for page in (engagement_letter, engagement_templates):  # issue 12: engagement letters signed in the portal
    page.register(app)
quick_start.register(app)  # issue 12 item 6: the clients' getting-started guide
# The language catalogs are parsed once per process. A production worker skips the page build that
# used to parse them, so the first signed-in event did it on the event loop: seconds during which no
# tab got an answer (bench/load's profile). Parse them now, before the worker takes a connection.
offered_locales()
