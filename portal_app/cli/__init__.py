"""Command line: `python -m portal_app.cli <group> <command>`.

  setup                  load content (case types); on a non-production first run, create demo data
  demo logins            print the demo logins
  audit verify           check the audit chain, its signatures and the checkpoints kept outside the
                         database; say exactly what is missing or changed (exit 1 if anything is)
  audit checkpoint       verify what is new and export a signed checkpoint of the chain's head now
  users create-admin     create the first administrator and print their set-password link
  users totp-code EMAIL  development only: the code a demo staff member's authenticator shows now
  mail deliver           send what waits in the outbox once
  jobs run-due           run every due background job once (for cron-style deployments)
  jobs loop              run the background jobs in this process, forever (with PORTAL_JOBS_IN_WORKERS=false)
  billing export-payments --date YYYY-MM-DD [--out FILE]   the day's payments as CSV, for manual matching
  keys rotate            re-wrap every file's data key under the newest master key (content untouched)
                         and checkpoint the audit chain with the newest key
  keys status            whether the newest master key alone opens every file and verifies the audit log
  matters export MTR-... [--out FILE]   the matter's whole file as one ZIP (documents, index, billing, audit)
  audit verify-export FILE.zip          check an export's manifest and that its audit events are in the chain
  retention list-due     list the closed matters whose documents fell due (deleting needs an admin's approval)
  retention certificate REVIEW_ID       check a deletion certificate against the audit chain and storage
  backup create [--out DIR]   database dump, encrypted objects, settings and checksums (no master keys)
  backup check DIR            check a backup's files against its manifest
  backup restore DIR          load a backup into the configured, empty database and storage, then check it
"""
from __future__ import annotations

import argparse
import sys

from portal_app.cli import backups, records, translations
from portal_app.services.demo import billing as billing_demo
from portal_app.services.demo import seed as demo
from portal_app.services.identity import second_step
from portal_app.services.kernel import policy
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import case_types
from portal_app.services.messaging import mail


def _print_logins(people) -> None:
    print(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    keys = {p.email: _demo_key(p.email) for p in people if policy.is_staff_role(p.role)}
    for person in people:
        print(f"  {person.role:<11} {person.email:<24} {person.name}")
        if keys.get(person.email):
            print(f"  {'':<11} authenticator key: {keys[person.email]}")
    if keys:
        print("Staff sign in with a second factor: add the key to any authenticator app, or print the\n"
              "current code with `python -m portal_app.cli users totp-code EMAIL` (development only).")


def _demo_key(email: str) -> str:
    try:
        return second_step.dev_secret(email)
    except PortalError:
        return ""


def cmd_totp_code(args) -> int:
    """Development only: the code a demo staff member's authenticator shows now."""
    try:
        print(second_step.current_code(args.email))
    except PortalError:
        print("refused: only in development, for an account with an authenticator", file=sys.stderr)
        return 2
    return 0


def cmd_setup(_args) -> int:
    added = case_types.sync_all()
    print(f"case types: {added} added")
    print("billing content added: {}".format(billing_demo.sync_content()))
    if get_settings().is_production:
        return 0
    created = demo.seed()
    print("demo data created" if created else "demo data already present")
    _print_logins(demo.logins())
    return 0


def cmd_demo_logins(_args) -> int:
    _print_logins(demo.logins())
    return 0


def cmd_audit_verify(_args) -> int:
    from portal_app.services.auditing import checkpointing

    report = checkpointing.verify_all()
    result = report.result
    for note in report.notes:
        print(f"note: {note}")
    if result.ok:
        anchor = result.checkpoint
        print(f"audit chain OK: {result.checked} events verified, every link, hash and signature"
              + (f"; it matches the checkpoint of {anchor.when} (head #{anchor.seq}, {anchor.source})" if anchor else ""))
        return 0
    print(f"audit chain BROKEN at event #{result.first_bad_seq}: {result.reason} "
          f"({result.checked} events before it verified)")
    return 1


def cmd_audit_checkpoint(_args) -> int:
    from portal_app.services.auditing import checkpointing
    from portal_app.services.kernel.clock import utcnow

    try:
        outcome = checkpointing.write_checkpoint(utcnow(), force=True)
    except checkpointing.ChainBroken as exc:
        print(f"audit chain BROKEN, {exc}")
        return 1
    if not outcome.get("anchors"):
        print("no checkpoint written: " + ("the audit log is empty" if outcome.get("empty") else
                                           "no checkpoint destination is configured"))
        return 1
    print(f"checkpoint of the head #{outcome['seq']} written to {outcome['anchors']} place(s)")
    return 0


def cmd_create_admin(args) -> int:
    from portal_app.services.identity import bootstrap

    link = bootstrap.create_admin(args.email, args.name)
    print(f"administrator {args.email} created; set a password within 72 hours at:\n  {link}")
    return 0


def cmd_mail_deliver(_args) -> int:
    print(f"{mail.deliver_pending()} messages sent")
    return 0


def cmd_jobs_run_due(_args) -> int:
    from portal_app.jobs.loop import run_due_once

    print(run_due_once())
    return 0


def cmd_jobs_loop(_args) -> int:
    from portal_app.jobs.loop import run_forever

    run_forever()
    return 0


def cmd_keys_rotate(_args) -> int:
    from portal_app.services.auditing import checkpointing
    from portal_app.services.files import store as filestore
    from portal_app.services.kernel.clock import utcnow

    print(f"{filestore.rotate_keys()} data keys re-wrapped under the newest master key")
    outcome = checkpointing.write_checkpoint(utcnow(), force=True)
    if outcome.get("anchors"):
        print(f"audit chain checkpointed at #{outcome['seq']} with the newest master key")
    return cmd_keys_status(_args)


def cmd_keys_status(_args) -> int:
    from portal_app.services.auditing import checkpointing
    from portal_app.services.files import store as filestore

    newest, total = filestore.wrapped_by_newest_key()
    print(f"{newest} of {total} files open with the newest master key alone"
          + ("" if newest == total else "; run `keys rotate` before removing an old key"))
    audit_state = checkpointing.rotation_status()
    audit_ok = audit_state.events_on_other_keys == 0 or audit_state.covered_to >= audit_state.last_on_other_keys
    print(f"{audit_state.events_on_other_keys} audit events are signed with another master key or none; "
          + ("a checkpoint signed with the newest key vouches for them" if audit_ok else
             f"the newest key's checkpoints reach only #{audit_state.covered_to} of #{audit_state.last_on_other_keys}:"
             " run `keys rotate` before removing an old key"))
    return 0 if newest == total and audit_ok else 1


def cmd_export_payments(args) -> int:
    from datetime import date

    from portal_app.services.billing.payments import export as payment_export

    name, text = payment_export.export_day(None, date.fromisoformat(args.date), via="cli")
    if args.out == "-":
        sys.stdout.write(text)
    else:
        path = args.out or name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"{text.count(chr(10)) - 1} transactions written to {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portal_app.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    groups = parser.add_subparsers(dest="group", required=True)
    groups.add_parser("setup").set_defaults(fn=cmd_setup)
    for group, commands in {
        "demo": {"logins": cmd_demo_logins},
        "audit": {"verify": cmd_audit_verify, "checkpoint": cmd_audit_checkpoint},
        "mail": {"deliver": cmd_mail_deliver},
        "jobs": {"run-due": cmd_jobs_run_due, "loop": cmd_jobs_loop},
        "keys": {"rotate": cmd_keys_rotate, "status": cmd_keys_status},
    }.items():
        sub = groups.add_parser(group).add_subparsers(dest="command", required=True)
        for name, fn in commands.items():
            sub.add_parser(name).set_defaults(fn=fn)
        if group == "audit":
            check = sub.add_parser("verify-export")
            check.add_argument("file")
            check.set_defaults(fn=records.cmd_verify_export)
    users = groups.add_parser("users").add_subparsers(dest="command", required=True)
    admin = users.add_parser("create-admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.set_defaults(fn=cmd_create_admin)
    code = users.add_parser("totp-code", help="development only: a demo staff member's current sign-in code")
    code.add_argument("email")
    code.set_defaults(fn=cmd_totp_code)
    billing = groups.add_parser("billing").add_subparsers(dest="command", required=True)
    export = billing.add_parser("export-payments", help="the day's payment transactions as CSV")
    export.add_argument("--date", required=True, help="YYYY-MM-DD, in the firm's time zone")
    export.add_argument("--out", default="", help="file to write ('-' for standard output)")
    export.set_defaults(fn=cmd_export_payments)
    records.add_commands(groups)
    backups.add_commands(groups)
    translations.add_commands(groups)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args)
