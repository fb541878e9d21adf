"""Exports run in the desk's process: one task per export, rows written as they arrive.

The file lives in the data directory (``exports/``, mode 0600: it holds personal data) and
memory stays flat whatever the number of users: each slice of the search is written and
dropped. An export belongs to the staff member who started it. Its state is also kept beside
its file (``exp_….json``), so any desk worker process can answer for it; an export running
when its process stops is reported as failed by the others only once that state says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.errors import BadQuery, Conflict, DeskError, NotFound
from userdesk.desk.exports.bulkjob import job_users
from userdesk.desk.exports.formats import FieldsRefused, RowWriter, check_fields
from userdesk.desk.exports.slices import Patience, Sleep, matching_users
from userdesk.private_files import open_private, replace_private

log = logging.getLogger("userdesk.desk.exports")

_EXPORT_ID = re.compile(r"exp_[0-9a-f]{24}")
# Seconds of rate limiting in a row an export waits out before it gives up.
PATIENCE = 600.0


class ExportNotFound(NotFound):
    def __init__(self, export_id: str) -> None:
        super().__init__(f"No export with id {export_id}")


class ExportNotReady(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"The export is {status}; its file is there once it has completed")


@dataclass
class Export:
    id: str
    owner: str
    q: str | None
    format: str
    fields: list[str] | None
    path: Path
    status: str = "pending"
    exported: int = 0
    message: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None


class ExportService:
    def __init__(
        self,
        directory: DirectoryGateway,
        data_dir: Path,
        *,
        patience: float = PATIENCE,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._directory = directory
        self._folder = data_dir / "exports"
        self.patience = patience
        self._sleep = sleep
        self._exports: dict[str, Export] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, owner: str, q: str | None, fmt: str, fields: list[str] | None) -> Export:
        try:
            chosen = check_fields(fmt, fields)
        except FieldsRefused as exc:
            raise BadQuery(str(exc)) from None
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        export_id = f"exp_{secrets.token_hex(12)}"
        suffix = "csv" if fmt == "csv" else "ndjson"
        export = Export(
            id=export_id,
            owner=owner,
            q=q.strip() if q and q.strip() else None,
            format=fmt,
            fields=chosen,
            path=self._folder / f"{export_id}.{suffix}",
        )
        self._exports[export_id] = export
        self._save(export)
        task = asyncio.create_task(self._run(export))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return export

    def get(self, owner: str, export_id: str) -> Export:
        export = self._exports.get(export_id) or self._load(export_id)
        # Another staff member's export is as good as absent: its file holds their search.
        if export is None or export.owner != owner:
            raise ExportNotFound(export_id)
        return export

    def file(self, owner: str, export_id: str) -> Export:
        export = self.get(owner, export_id)
        if export.status != "completed":
            raise ExportNotReady(export.status)
        return export

    def _state_path(self, export_id: str) -> Path:
        return self._folder / f"{export_id}.json"

    def _save(self, export: Export) -> None:
        state = asdict(export) | {"path": str(export.path)}
        replace_private(self._state_path(export.id), json.dumps(state, default=str))

    def _load(self, export_id: str) -> Export | None:
        """An export started by another worker process, from the state it keeps on disk."""
        if not _EXPORT_ID.fullmatch(export_id):
            return None
        try:
            state = json.loads(self._state_path(export_id).read_text())
        except (OSError, ValueError):
            return None
        state["path"] = Path(state["path"])
        for moment in ("created_at", "finished_at"):
            if state.get(moment):
                state[moment] = datetime.fromisoformat(state[moment])
        return Export(**state)

    async def wait(self) -> None:
        """Until every running export has ended (tests, benchmarks)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _users(
        self, export: Export, patience: Patience
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every user through the provider's export job when there is no search (nothing to
        slice); a search's matches through created_at slices of it otherwise."""
        if export.q is None:
            scratch = self._folder / f"{export.id}.job.gz"
            async for rows in job_users(self._directory.exports, patience, self._sleep, scratch):
                yield rows
            return
        async for users in matching_users(self._directory.users, export.q, patience):
            yield [user.raw for user in users]

    async def _run(self, export: Export) -> None:
        export.status = "running"
        patience = Patience(self.patience, self._sleep)
        try:
            out = await asyncio.to_thread(open_private, export.path)
            try:
                writer = RowWriter(out, export.format, export.fields)
                async for users in self._users(export, patience):
                    await asyncio.to_thread(writer.write, users)
                    export.exported += len(users)
                    await asyncio.to_thread(self._save, export)
            finally:
                await asyncio.to_thread(out.close)
        except asyncio.CancelledError:
            export.status, export.message = "failed", "The desk stopped during the export"
            raise
        except DeskError as exc:
            export.status, export.message = "failed", exc.message
        except OSError as exc:
            log.warning("export %s could not write its file: %s", export.id, exc.strerror)
            export.status, export.message = "failed", "The export file could not be written"
        else:
            export.status = "completed"
            waited = f"; waited {patience.waited:.0f} s for rate limits" if patience.waited else ""
            how = (
                "through the provider's bulk export job"
                if export.q is None
                else f"in {patience.requests} searches"
            )
            export.message = f"{export.exported} users exported {how}{waited}"
        finally:
            export.finished_at = datetime.now(UTC)
            if export.status == "failed":
                # A partial file must not pass for the whole search.
                export.path.unlink(missing_ok=True)
            self._save(export)
