"""CLI commands for backups: create, check and restore (services/backups)."""
from __future__ import annotations

from portal_app.services.kernel.settings import get_settings


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


def add_commands(groups) -> None:
    backup = groups.add_parser("backup").add_subparsers(dest="command", required=True)
    create = backup.add_parser("create", help="write a backup folder")
    create.add_argument("--out", default="", help="folder to create (default: PORTAL_DATA_DIR/backups/portal-backup-<time>)")
    create.set_defaults(fn=cmd_backup_create)
    for name, fn in (("check", cmd_backup_check), ("restore", cmd_backup_restore)):
        command = backup.add_parser(name)
        command.add_argument("folder")
        command.set_defaults(fn=fn)
