"""``userdesk tenant import`` and ``export``: the bulk library behind Rich progress bars."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from sqlalchemy.orm import Session, sessionmaker

from userdesk.private_files import open_private
from userdesk.tenant.bulk.exporter import ExportFieldError, export_users, parse_fields
from userdesk.tenant.bulk.importer import ConnectionMissing, ImportReport, import_users
from userdesk.tenant.bulk.reader import ImportFileError, entries
from userdesk.tenant.bulk.repository import BulkUserRepository
from userdesk.tenant.store.db import transaction
from userdesk.tenant.store.models import DEFAULT_CONNECTION

# Errors listed on the terminal; the count says how many more there were.
SHOWN_ERRORS = 50


def run_import(
    sessions: sessionmaker[Session],
    file: Path,
    *,
    upsert: bool,
    connection: str | None,
    bar: Progress,
) -> int:
    console = bar.console
    if not file.is_file():
        console.print(f"[red]No such file: {file}[/red]")
        return 2
    try:
        with bar, file.open(encoding="utf-8") as stream:
            # The bar follows the characters read, so it moves however the entries are sized.
            task = bar.add_task("Importing users", total=file.stat().st_size)
            report = import_users(
                sessions,
                entries(stream, lambda n: bar.update(task, completed=n)),
                connection=connection or DEFAULT_CONNECTION,
                upsert=upsert,
            )
            bar.update(task, completed=file.stat().st_size)
    except (ImportFileError, ConnectionMissing, UnicodeDecodeError) as exc:
        console.print(f"[red]Import stopped: {exc}[/red]")
        return 2
    _print_report(console, report)
    return 1 if report.errors else 0


def _print_report(console: Console, report: ImportReport) -> None:
    for error in report.errors[:SHOWN_ERRORS]:
        who = f" ({error.email})" if error.email else ""
        console.print(f"[yellow]entry {error.index}{who}: {error.code}: {error.message}[/yellow]")
    if report.failed > SHOWN_ERRORS:
        console.print(f"[yellow]... and {report.failed - SHOWN_ERRORS} more errors[/yellow]")
    console.print(
        f"Inserted {report.inserted}, updated {report.updated}, failed {report.failed} "
        f"of {report.total} entries."
    )


def run_export(
    sessions: sessionmaker[Session], file: Path, *, fmt: str, fields: str | None, bar: Progress
) -> int:
    console = bar.console
    try:
        chosen = parse_fields(fields, fmt)
    except ExportFieldError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2
    # Password hashes leave with the export: the file is the owner's alone.
    with transaction(sessions) as session, bar, open_private(file) as out:
        task = bar.add_task("Exporting users", total=BulkUserRepository(session).count())
        done = export_users(
            session,
            out,
            fmt=fmt,
            fields=chosen,
            progress=lambda n: bar.update(task, advance=n),
        )
    console.print(f"Exported {done} users to {file}.")
    return 0
