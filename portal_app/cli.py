"""Command line: `python -m portal_app.cli <group> <command>`.

  setup                  load content (case types); on a non-production first run, create demo data
  demo logins            print the demo logins
  audit verify           walk the audit chain and name the first broken event (exit 1 if broken)
  users create-admin     create the first administrator and print their set-password link
  mail deliver           send what waits in the outbox once
  jobs run-due           run every due background job once (for cron-style deployments)
  jobs loop              run the background jobs in this process, forever (with PORTAL_JOBS_IN_WORKERS=false)
  billing export-payments --date YYYY-MM-DD [--out FILE]   the day's payments as CSV, for manual matching
  keys rotate            re-wrap every file's data key under the newest master key (content untouched)
  keys status            how many files' keys open with the newest master key alone
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

from portal_app.services.demo import billing as billing_demo
from portal_app.services.demo import seed as demo
from portal_app.services.kernel import audit
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import case_types
from portal_app.services.messaging import mail


def _print_logins(people) -> None:
    print(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for person in people:
        print(f"  {person.role:<11} {person.email:<24} {person.name}")


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
    result = audit.verify_stored()
    if result.ok:
        print(f"audit chain OK: {result.checked} events verified")
        return 0
    print(f"audit chain BROKEN at event #{result.first_bad_seq}: {result.reason} "
          f"({result.checked} events before it verified)")
    return 1


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
    from portal_app.services.files import store as filestore

    print(f"{filestore.rotate_keys()} data keys re-wrapped under the newest master key")
    return cmd_keys_status(_args)


def cmd_keys_status(_args) -> int:
    from portal_app.services.files import store as filestore

    newest, total = filestore.wrapped_by_newest_key()
    print(f"{newest} of {total} files open with the newest master key alone"
          + ("" if newest == total else "; run `keys rotate` before removing an old key"))
    return 0 if newest == total else 1


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


def cmd_matters_export(args) -> int:
    from portal_app.services.kernel.errors import PortalError
    from portal_app.services.records.export import archive

    try:
        plan = archive.prepare(None, args.reference, via="cli")
    except PortalError as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    path, size = args.out or plan.file_name, 0
    with open(path, "wb") as fh:
        for piece in archive.stream(plan):
            fh.write(piece)
            size += len(piece)
    print(f"{plan.reference}: {size:,} bytes written to {path}")
    return 0


def cmd_verify_export(args) -> int:
    from portal_app.services.records.export import verify

    result = verify.verify_export(args.file)
    for problem in result.problems:
        print(f"  {problem}")
    print(f"export {'OK' if result.ok else 'NOT OK'}: {result.entries} entries, {result.events} audit events")
    return 0 if result.ok else 1


def cmd_retention_list_due(_args) -> int:
    from portal_app.services.kernel.clock import utcnow
    from portal_app.services.records import due

    print(due.list_due(utcnow()))
    return 0


def cmd_retention_certificate(args) -> int:
    from portal_app.services.kernel.errors import PortalError
    from portal_app.services.records import certificates

    try:
        result = certificates.verify(None, args.review_id)
    except PortalError as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    for problem in result.problems:
        print(f"  {problem}")
    files = result.certificate.get("files", [])
    print(f"certificate {'verified' if result.ok else 'NOT verified'}: {len(files)} files, "
          f"matter {result.certificate.get('matter', '?')}")
    return 0 if result.ok else 1


def _records_commands(groups) -> None:
    export = groups.add_parser("matters").add_subparsers(dest="command", required=True).add_parser("export")
    export.add_argument("reference", help="MTR-YYYY-NNNN (or the matter's id)")
    export.add_argument("--out", default="", help="file to write (default: <reference>_file_<date>.zip)")
    export.set_defaults(fn=cmd_matters_export)
    retention = groups.add_parser("retention").add_subparsers(dest="command", required=True)
    retention.add_parser("list-due").set_defaults(fn=cmd_retention_list_due)
    cert = retention.add_parser("certificate")
    cert.add_argument("review_id")
    cert.set_defaults(fn=cmd_retention_certificate)
def cmd_backup_create(args) -> int:
    from datetime import datetime, timezone
    from pathlib import Path

    from portal_app.services.backups import snapshot

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(args.out) if args.out else get_settings().data_dir / "backups" / f"portal-backup-{stamp}"
    manifest = snapshot.create(folder)
    print(f"backup written to {folder}: {manifest.database_kind} dump at revision {manifest.schema_revision}, "
          f"{manifest.objects} encrypted objects, {len(manifest.files)} files checksummed.\n"
          "Keep it away from this machine, and keep PORTAL_MASTER_KEYS somewhere else again: "
          "the files cannot be read without them.")
    return 0


def cmd_backup_check(args) -> int:
    from pathlib import Path

    from portal_app.services.backups.database import BackupError
    from portal_app.services.backups.manifest import read_and_check

    try:
        manifest = read_and_check(Path(args.folder))
    except BackupError as exc:
        print(f"backup NOT usable: {exc}")
        return 1
    print(f"backup OK: {len(manifest.files)} files match their checksums (made {manifest.created_at})")
    return 0


def cmd_backup_restore(args) -> int:
    from pathlib import Path

    from portal_app.services.backups import snapshot
    from portal_app.services.backups.database import BackupError

    try:
        done = snapshot.restore(Path(args.folder))
    except BackupError as exc:
        print(f"restore refused: {exc}")
        return 1
    print(f"restored {done.objects} objects and the database; {done.keys_open} of {done.versions} files open with "
          f"the configured master keys; audit chain {'OK' if done.audit_ok else 'BROKEN: ' + done.audit_problem} "
          f"({done.audit_events} events)")
    return 0 if done.audit_ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portal_app.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    groups = parser.add_subparsers(dest="group", required=True)
    groups.add_parser("setup").set_defaults(fn=cmd_setup)
    for group, commands in {
        "demo": {"logins": cmd_demo_logins},
        "audit": {"verify": cmd_audit_verify},
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
            check.set_defaults(fn=cmd_verify_export)
    users = groups.add_parser("users").add_subparsers(dest="command", required=True)
    admin = users.add_parser("create-admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.set_defaults(fn=cmd_create_admin)
    billing = groups.add_parser("billing").add_subparsers(dest="command", required=True)
    export = billing.add_parser("export-payments", help="the day's payment transactions as CSV")
    export.add_argument("--date", required=True, help="YYYY-MM-DD, in the firm's time zone")
    export.add_argument("--out", default="", help="file to write ('-' for standard output)")
    export.set_defaults(fn=cmd_export_payments)
    _records_commands(groups)
    backup = groups.add_parser("backup").add_subparsers(dest="command", required=True)
    create = backup.add_parser("create", help="write a backup folder")
    create.add_argument("--out", default="", help="folder to create (default: PORTAL_DATA_DIR/backups/portal-backup-<time>)")
    create.set_defaults(fn=cmd_backup_create)
    for name, fn in (("check", cmd_backup_check), ("restore", cmd_backup_restore)):
        command = backup.add_parser(name)
        command.add_argument("folder")
        command.set_defaults(fn=fn)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
