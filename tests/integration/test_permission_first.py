"""Permission is checked before input: a client (or an HR contact) calling any staff service with
garbage in every argument gets "not allowed", never a message about a date, an amount or a name
that would tell them the call was otherwise possible (or crash on the way).

Every public service function whose first argument is the actor is found by walking the
services package; each is either a staff service (and must refuse outsiders whatever they send)
or listed below as one clients and HR contacts may call. A new service has to be put in one of
the two groups, or this test fails.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import portal_app.services as services_package
from portal_app.services.kernel.errors import NotAllowed
from tests.world import build_world

GARBAGE = "\u00b2\u202e\x00 \u0661\u0662\u0663 ../../etc/passwd <script>"
EMPTY = ""  # what trips a "required" check

# Services a client or HR contact may call (each still checks its own matter scope).
OPEN_TO_OUTSIDERS = {
    "billing.invoices.views.for_client", "billing.invoices.views.for_matter", "billing.invoices.views.detail",
    "billing.invoices.views.balances_for_client", "billing.invoices.views.trust_for_matter",
    "billing.invoices.lifecycle.decide_expense",
    "billing.payments.checkout.start", "billing.payments.checkout.check", "billing.payments.checkout.pay_in_sandbox",
    "billing.payments.checkout.authenticate_in_sandbox", "billing.payments.checkout.bank_in_sandbox",
    "billing.payments.receipts.view",
    "documents.checklist_views.matter_checklist", "documents.checklist_views.needed_for_me",
    "documents.intake.get", "documents.intake.save_draft", "documents.intake.submit",
    "documents.uploads.target_for", "documents.uploads.upload_bytes",
    "files.links.mint", "files.links.open_download",
    "identity.auth.sign_out", "identity.sessions.list_own", "identity.sessions.revoke_own",
    "identity.sessions.change_password",
    "identity.second_step.has_own_factor", "identity.second_step.start_own", "identity.second_step.confirm_own",
    "matters.records.list_visible", "matters.records.get", "matters.deadlines.for_matter",
    "matters.deadlines.upcoming", "documents.review.set_expiry",
    "messaging.preferences.get", "messaging.preferences.update", "messaging.preferences.set_language",
    "uscis.receipts.for_matter",
    # the checks themselves: they answer (or refuse) for whoever asks
    "kernel.policy.require", "kernel.policy.matter_scope", "kernel.policy.item_scope", "kernel.policy.may_touch_item",
    "kernel.policy.is_staff", "kernel.policy.sees_every_matter", "kernel.policy.sees_every_item",
    "kernel.policy.sees_firm_wide_mail",
    "kernel.policy.home_path",  # issue 9: where a person lands, answered for whoever signs in
}

# --- secure messages and support requests (issue 12): open to clients and HR contacts, each
# checking its own matter scope (garbage ids are "not allowed" there too, tested in their files) ---
OPEN_TO_OUTSIDERS |= {
    "conversations.threads.read_thread", "conversations.threads.unread_count", "conversations.threads.unread_query",
    "conversations.messages.send", "conversations.attachments.target_for", "conversations.attachments.upload_bytes",
    "conversations.attachments.discard", "conversations.summaries.by_matter", "conversations.summaries.pending",
    "support.requests.submit", "support.requests.mine", "support.files.target_for",
}
OPEN_TO_OUTSIDERS |= {"documents.intake.open_for_me", "documents.intake.ask_correction"}  # the client's own intake
# engagement letters (issue 12): the client reads and signs their own matter's letter (scope checked inside)
OPEN_TO_OUTSIDERS |= {"engagement.letters.letter_for", "engagement.letters.sign", "engagement.letters.awaiting_signature"}
# the employer's portal (issue 12): an HR contact's roster and items across the shared matters
OPEN_TO_OUTSIDERS |= {"matters.roster.roster", "documents.checklist_views.every_item"}
# one-tap task links (issue 12): the limited session ends its own link once the task is done
OPEN_TO_OUTSIDERS |= {"identity.task_links.finish_if_done"}
# onboarding (issue 12): the client's next steps on home, and stopping their own getting-started mails
OPEN_TO_OUTSIDERS |= {"onboarding.next_steps.for_me", "onboarding.next_steps.dismiss", "onboarding.stopping.mine",
                      "onboarding.stopping.stop_mine"}
# the checks themselves, added with the task links and the employer's portal
OPEN_TO_OUTSIDERS |= {"kernel.policy.actor_allows", "kernel.policy.deadline_scope", "kernel.policy.invoice_scope",
                      "kernel.policy.require_task_object"}


def _actor_services() -> dict[str, object]:
    found = {}
    for info in pkgutil.walk_packages(services_package.__path__, "portal_app.services."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "actor":
                found[f"{module.__name__.removeprefix('portal_app.services.')}.{name}"] = fn
    return found


SERVICES = _actor_services()
STAFF_SERVICES = sorted(set(SERVICES) - OPEN_TO_OUTSIDERS)


def test_every_service_is_classified():
    assert OPEN_TO_OUTSIDERS <= set(SERVICES), sorted(OPEN_TO_OUTSIDERS - set(SERVICES))
    assert len(STAFF_SERVICES) > 40


def _garbage_call(fn, actor, garbage: str):
    signature = inspect.signature(fn)
    args, kwargs = [actor], {}
    for name, param in list(signature.parameters.items())[1:]:
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[name] = garbage
        elif param.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            args.append(garbage)
        elif param.kind is inspect.Parameter.VAR_KEYWORD:
            kwargs["garbage"] = garbage
    return fn(*args, **kwargs)


@pytest.mark.parametrize("service", STAFF_SERVICES)
def test_outsiders_calling_a_staff_service_with_garbage_are_not_allowed(portal_db, service):
    world = build_world()
    for who in ("client", "hr"):
        for garbage in (GARBAGE, EMPTY):
            with pytest.raises(NotAllowed):
                _garbage_call(SERVICES[service], world.actor(who), garbage)
