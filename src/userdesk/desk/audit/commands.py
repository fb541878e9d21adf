"""``userdesk audit ...``: maintenance of the desk's audit log from the command line."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from userdesk.desk.audit import db as audit_db
from userdesk.desk.audit.service import AuditLog
from userdesk.desk.settings import SettingsError, load_settings

audit_app = typer.Typer(help="The desk's audit log.")
console = Console(soft_wrap=True)


@audit_app.command("prune")
def prune(
    days: Annotated[
        int | None,
        typer.Option(
            min=0, help="Redact snapshots older than this (default: USERDESK_AUDIT_SNAPSHOT_DAYS)"
        ),
    ] = None,
) -> None:
    """Redact the user profiles kept in old audit entries; who did what to whom stays."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    keep = settings.audit_snapshot_days if days is None else days
    count = asyncio.run(_prune(settings.audit_database_url, timedelta(days=keep)))
    console.print(f"Redacted {count} snapshot{'' if count == 1 else 's'} older than {keep} days.")


async def _prune(url: str, older_than: timedelta) -> int:
    engine = audit_db.make_engine(url)
    try:
        await audit_db.migrate(engine)
        return await AuditLog(audit_db.make_sessions(engine)).redact_snapshots(older_than)
    finally:
        await engine.dispose()
