"""The one permission table: the roles, the role x action table (PERMISSIONS), a task link's row
(TASK_ACTIONS) and which actions are firm-wide or matter-scoped. Data only; `policy` holds the
checks that read it, and nothing else reads a role name.
"""
from __future__ import annotations

ROLES = ("admin", "attorney", "paralegal", "billing", "client", "hr_liaison")
ALL = frozenset(ROLES)
STAFF = frozenset({"admin", "attorney", "paralegal", "billing"})
LEGAL = frozenset({"admin", "attorney", "paralegal"})
# Who may be named a matter's responsible attorney.
MAY_LEAD_MATTERS = frozenset({"admin", "attorney"})
# Roles that act for an employer: on a checklist they touch only what the employer provides.
EMPLOYER_SIDE = frozenset({"hr_liaison"})
EMPLOYER = "employer"  # DocumentRequest.provided_by of the items the employer provides
# The deadlines an HR contact sees (of those the firm shows outside the firm): what the employer
# acts on or plans around - the employee's status, visa and I-94 running out, the filing dates and
# the answers to USCIS; never the employee's own appointments (biometrics, interview).
EMPLOYER_DEADLINE_KINDS = frozenset({"status_expiry", "visa_expiry", "i94_expiry", "h1b_cap_window", "filing",
                                     "rfe_response", "noid_response"})
# Kinds of stored file that belong to a checklist item (the upload and its JPEG rendition).
ITEM_FILE_KINDS = frozenset({"evidence", "rendition"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # matter-scoped
    "matter.view": ALL,
    "matter.edit": LEGAL,
    "matter.assign": frozenset({"admin", "attorney"}),
    "document.view": LEGAL | {"client", "hr_liaison"},
    "document.upload": LEGAL | {"client", "hr_liaison"},
    "document.review": LEGAL,
    "checklist.edit": LEGAL,
    "intake.view": LEGAL | {"client"},
    "intake.fill": LEGAL | {"client"},
    "deadline.view": LEGAL | {"client", "hr_liaison"},
    "deadline.edit": LEGAL,
    "task.view": STAFF,
    "invoice.view": frozenset({"admin", "attorney", "billing", "client", "hr_liaison"}),
    "invoice.edit": frozenset({"admin", "billing"}),
    "invoice.approve": frozenset({"admin", "attorney"}),
    "payment.make": frozenset({"client", "hr_liaison"}),
    "payment.refund": frozenset({"admin", "billing"}),
    "trust.transfer": frozenset({"admin", "billing"}),
    "mail.view": STAFF,
    "mail.retry": STAFF,
    "task.complete": STAFF,
    "payment.record": frozenset({"admin", "billing"}),
    "invoice.approve_expense": frozenset({"client", "hr_liaison"}),
    # records and insights (issue 13)
    "matter.export": LEGAL | {"client"},
    "legal_hold.manage": frozenset({"admin", "attorney"}),
    "cohort.tag": frozenset({"admin", "attorney"}),
    # firm-wide
    "staff.dashboard": STAFF,
    "matter.create": LEGAL,
    "client.invite": LEGAL,
    "template.edit": frozenset({"admin", "attorney"}),
    "ledger.report": frozenset({"admin", "billing"}),
    "user.manage": frozenset({"admin"}),
    "user.reset_second_factor": frozenset({"admin"}),  # issue 11: a staff member lost their phone
    "audit.view": frozenset({"admin"}),
    "webhook.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "jobs.view": frozenset({"admin"}),
    "session.manage_own": ALL,
    "billing.configure": frozenset({"admin", "billing"}),
    "trust.reconcile": frozenset({"admin", "billing"}),
    "mail.firm_wide": frozenset({"admin"}),  # mail on no matter: invitations, password resets
    # records and insights (issue 13): partners (attorneys) and admins see the firm's figures;
    # only an administrator sets retention policies and approves a deletion
    "insights.view": frozenset({"admin", "attorney"}),
    "retention.view": frozenset({"admin"}),
    "retention.manage": frozenset({"admin"}),
    "retention.approve": frozenset({"admin"}),
    # issue 9: the outbox, every message with its body (sign-in links inside) and resend
    "mail.outbox": frozenset({"admin"}),
    # secure messages and support requests (issue 12): the thread of a matter is read and written by
    # its team (billing included: clients ask about paying), its client and a sharing employer's HR
    # contact; files come from the legal team and the client side; only the legal team assigns.
    # Anyone signed in may ask for help; every staff member may handle a request routed to them.
    "message.read": STAFF | {"client", "hr_liaison"},
    "message.write": STAFF | {"client", "hr_liaison"},
    "message.attach": LEGAL | {"client", "hr_liaison"},
    "message.assign": LEGAL,
    "support.request": ALL,
    "support.handle": STAFF,
    # the employer's portal (issue 12): the legal team shares a matter with its employer (and takes
    # it back); an HR contact has a home of their own with the roster of the sponsored employees
    "matter.share": LEGAL,
    "employer.portal": EMPLOYER_SIDE,
    # engagement letters (issue 12): the matter's client reads and signs the fee agreement; the legal
    # team and billing (the retainer waits for it) read it and the signed copy; an employer never does
    "engagement.view": STAFF | {"client"},
    "engagement.sign": frozenset({"client"}),
    # one-tap task links (issue 12 item 5): the matter's team and the person the link is for revoke it
    "task_link.revoke": STAFF | {"client", "hr_liaison"},
    # onboarding (issue 12 item 6): the legal team stops a matter's client's getting-started mails;
    # a client stops their own, and sees (and puts away) the next steps on their home
    "onboarding.stop": LEGAL,
    "onboarding.stop_own": frozenset({"client"}),
    "onboarding.next_steps": frozenset({"client"}),
}
# A task link's limited session, by task kind: on top of the role's row, on its matter and object only.
TASK_ACTIONS: dict[str, frozenset[str]] = {
    "upload": frozenset({"matter.view", "document.view", "document.upload", "task_link.revoke"}),
    "pay": frozenset({"matter.view", "invoice.view", "payment.make", "task_link.revoke"}),
}
FIRM_WIDE = frozenset({
    "mail.outbox",
    "staff.dashboard", "matter.create", "client.invite", "template.edit", "ledger.report",
    "user.manage", "user.reset_second_factor", "audit.view", "webhook.manage", "settings.manage", "jobs.view", "session.manage_own",
    "billing.configure", "trust.reconcile", "mail.firm_wide",
    "insights.view", "retention.view", "retention.manage", "retention.approve",
    "support.request", "support.handle", "employer.portal",
    "onboarding.stop_own", "onboarding.next_steps",
})
MATTER_SCOPED = frozenset(PERMISSIONS) - FIRM_WIDE
# Actions an HR contact may take only where the organization pays the firm.
ORGANIZATION_PAYS_ONLY = frozenset({"invoice.view", "payment.make", "invoice.approve_expense"})

