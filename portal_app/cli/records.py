"""CLI commands for records: the whole file of a matter as a ZIP, checking an export, retention."""
from __future__ import annotations

import sys


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


def add_commands(groups) -> None:
    export = groups.add_parser("matters").add_subparsers(dest="command", required=True).add_parser("export")
    export.add_argument("reference", help="MTR-YYYY-NNNN (or the matter's id)")
    export.add_argument("--out", default="", help="file to write (default: <reference>_file_<date>.zip)")
    export.set_defaults(fn=cmd_matters_export)
    retention = groups.add_parser("retention").add_subparsers(dest="command", required=True)
    retention.add_parser("list-due").set_defaults(fn=cmd_retention_list_due)
    cert = retention.add_parser("certificate")
    cert.add_argument("review_id")
    cert.set_defaults(fn=cmd_retention_certificate)
