"""Bulk jobs run beside the requests: a thread each, two at a time, in the process that took them.

The request only checks the input and records the job as ``pending``; this module imports or
exports with the bulk library (``tenant.bulk``), notes progress on the job after each batch,
and ends the job ``completed`` or ``failed`` with a reason. Nothing is left hanging:

- a tenant stopping cleanly tells its jobs to stop at their next batch, and they end
  ``failed`` ("the tenant stopped");
- a process that died (killed, crashed) cannot say anything, so every start looks for jobs
  still ``pending`` or ``processing`` whose process is gone and fails them. Each job names its
  process (``host:pid:instance``); a start on another machine (several replicas on one
  PostgreSQL) cannot tell whether that process lives, and leaves its jobs alone.

An import keeps what its finished batches committed: a stopped import says how far it got.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from userdesk.private_files import open_private
from userdesk.tenant import clock
from userdesk.tenant.bulk.exporter import ExportField, export_users
from userdesk.tenant.bulk.importer import ConnectionMissing, EntryError, import_users
from userdesk.tenant.bulk.repository import BulkUserRepository
from userdesk.tenant.management.jobs.repository import JobRepository
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.outbox.mails import Mailer
from userdesk.tenant.store.db import transaction

log = logging.getLogger("userdesk.tenant.jobs")

# Jobs running at once per process; more wait their turn as ``pending``.
CONCURRENT = 2
# Import batches are small: each is one write transaction other requests wait behind.
IMPORT_BATCH = 1_000
# An export's file stays this long (Auth0 keeps a job's data for 24 hours).
KEPT = timedelta(hours=24)
MASK = "*****"
STOPPED = "The tenant stopped before the job finished; start the job again."


class _Stopped(Exception):
    pass


@dataclass(frozen=True)
class ImportWork:
    job_id: str
    entries: list[Any]
    connection: str
    upsert: bool
    # The administrator told when the job ends; None: nobody.
    notify: str | None


@dataclass(frozen=True)
class ExportWork:
    job_id: str
    format: str
    fields: list[ExportField]
    connection: str | None
    limit: int | None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def masked(entry: Any) -> Any:
    """An import entry as its error report shows it: password hashes replaced."""
    if not isinstance(entry, dict):
        return entry
    shown = dict(entry)
    if "password_hash" in shown:
        shown["password_hash"] = MASK
    custom = shown.get("custom_password_hash")
    if isinstance(custom, dict):
        custom = dict(custom)
        if isinstance(custom.get("hash"), dict):
            custom["hash"] = {**custom["hash"], "value": MASK}
        shown["custom_password_hash"] = custom
    return shown


def _error_rows(job_id: str, errors: list[EntryError]) -> list[dict[str, Any]]:
    by_index: dict[int, dict[str, Any]] = {}
    for error in errors:
        row = by_index.setdefault(
            error.index,
            {"job_id": job_id, "position": error.index, "entry": masked(error.entry), "errors": []},
        )
        row["errors"].append({"code": error.code, "message": error.message, "path": error.path})
    return list(by_index.values())


class JobRunner:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        read_sessions: sessionmaker[Session],
        write_lock: threading.Lock,
        data_dir: Path,
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions
        self._write_lock = write_lock
        self.folder = data_dir / "jobs"
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"
        self._stop = threading.Event()
        self._slots = threading.BoundedSemaphore(CONCURRENT)
        self._threads: set[threading.Thread] = set()
        self._guard = threading.Lock()

    # Lifecycle ------------------------------------------------------------------------------

    def sweep(self) -> int:
        """Fail the jobs a stopped process of this machine left unfinished; drop old files."""
        host, pid, _ = self.identity.split(":")
        failed = 0
        with self._write_lock, transaction(self._sessions) as session:
            jobs = JobRepository(session)
            for job in jobs.active():
                owner_host, _, rest = (job.runner or "").partition(":")
                owner_pid = rest.partition(":")[0]
                if owner_host != host or not owner_pid.isdigit():
                    continue
                # This very process: an earlier tenant app of it (tests restart in-process).
                gone = owner_pid == pid or not _alive(int(owner_pid))
                if gone and job.runner != self.identity:
                    self._finish(jobs, job.id, "failed", status_details=STOPPED)
                    failed += 1
            for job in jobs.with_files_before(clock.utcnow() - KEPT):
                (self.folder / str(job.location)).unlink(missing_ok=True)
                jobs.set(job.id, location=None)
        if failed:
            log.warning("%d bulk jobs were interrupted by a stop and are marked failed", failed)
        return failed

    def stop(self, timeout: float = 15.0) -> None:
        """Ask running jobs to stop at their next batch and wait for them to say so."""
        self._stop.set()
        with self._guard:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def wait(self, timeout: float = 60.0) -> None:
        """Until every job of this process has ended (tests, benchmarks)."""
        with self._guard:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def submit(self, work: ImportWork | ExportWork) -> None:
        target: Callable[[Any], None] = (
            self._import if isinstance(work, ImportWork) else self._export
        )
        thread = threading.Thread(
            target=self._run, args=(target, work), name=f"job-{work.job_id}", daemon=True
        )
        with self._guard:
            self._threads.add(thread)
        thread.start()

    # Running --------------------------------------------------------------------------------

    def _run(self, target: Callable[[Any], None], work: ImportWork | ExportWork) -> None:
        try:
            # Waiting for a slot, the job stays pending; a stop ends the wait too.
            while not self._slots.acquire(timeout=0.2):
                if self._stop.is_set():
                    raise _Stopped
            try:
                if self._stop.is_set():
                    raise _Stopped
                self._set(work.job_id, status="processing", started_at=clock.utcnow())
                target(work)
            finally:
                self._slots.release()
        except _Stopped:
            self._end(work.job_id, "failed", status_details=STOPPED)
        except Exception:
            log.exception("bulk job %s failed", work.job_id)
            self._end(work.job_id, "failed", status_details="The job failed on an internal error.")
        finally:
            with self._guard:
                self._threads.discard(threading.current_thread())

    def _progress(self, job_id: str, total: int) -> Callable[[int], None]:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            if self._stop.is_set():
                raise _Stopped
            done += count
            percentage = min(99, done * 100 // total) if total else 99
            self._set(job_id, percentage_done=percentage)

        return advance

    def _import(self, work: ImportWork) -> None:
        try:
            report = import_users(
                self._sessions,
                work.entries,
                connection=work.connection,
                upsert=work.upsert,
                batch=IMPORT_BATCH,
                progress=self._progress(work.job_id, len(work.entries)),
            )
        except ConnectionMissing:
            self._end(work.job_id, "failed", status_details="The connection does not exist.")
            return
        summary = {
            "failed": report.failed,
            "updated": report.updated,
            "inserted": report.inserted,
            "total": report.total,
        }
        outcome = (
            f"Inserted {report.inserted}, updated {report.updated}, failed {report.failed} "
            f"of {report.total} users."
        )
        with self._write_lock, transaction(self._sessions) as session:
            jobs = JobRepository(session)
            jobs.add_errors(_error_rows(work.job_id, report.errors))
            self._finish(jobs, work.job_id, "completed", summary=summary, percentage_done=100)
            LogRepository(session).record(
                "sui" if not report.errors else "fui",
                description=f"Users import job {work.job_id}: {outcome}",
                connection=work.connection,
                details={"job_id": work.job_id, "summary": summary},
            )
            if work.notify:
                Mailer(session).import_completed(work.notify, work.job_id, outcome)

    def _export(self, work: ExportWork) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{work.job_id}.{'csv' if work.format == 'csv' else 'json'}.gz"
        partial = self.folder / f"{name}.partial"
        try:
            # One read transaction: the file is one consistent picture of the users.
            with transaction(self._read_sessions) as session:
                total = BulkUserRepository(session).count(work.connection)
                if work.limit is not None:
                    total = min(total, work.limit)
                with (
                    open_private(partial, "wb") as raw,
                    gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=4) as packed,
                    io.TextIOWrapper(packed, encoding="utf-8", newline="") as out,
                ):
                    export_users(
                        session,
                        out,
                        fmt=work.format,
                        fields=work.fields,
                        connection=work.connection,
                        limit=work.limit,
                        progress=self._progress(work.job_id, total),
                    )
            os.replace(partial, self.folder / name)
        finally:
            partial.unlink(missing_ok=True)
        self._end(work.job_id, "completed", location=name, percentage_done=100)

    # Writes ---------------------------------------------------------------------------------

    def _set(self, job_id: str, **values: Any) -> None:
        with self._write_lock, transaction(self._sessions) as session:
            JobRepository(session).set(job_id, **values)

    def _end(self, job_id: str, status: str, **values: Any) -> None:
        with self._write_lock, transaction(self._sessions) as session:
            self._finish(JobRepository(session), job_id, status, **values)

    @staticmethod
    def _finish(jobs: JobRepository, job_id: str, status: str, **values: Any) -> None:
        jobs.set(job_id, status=status, completed_at=clock.utcnow(), **values)
