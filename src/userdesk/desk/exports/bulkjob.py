"""Every user, through the provider's own bulk export job: no search, no 1000-result cap.

An export with no search asks for all users, which Auth0 offers as a job
(``POST /jobs/users-exports``): the desk starts one for the profile fields below, polls it,
downloads its gzip file while the link is fresh (a link lasts about 60 seconds; an expired
one is replaced by reading the job again), and hands the users on in batches, read from the
file on disk so that memory stays flat. The desk's own format and fields are applied after,
by the same writer as a search's export, so both give the same columns.

The job's file is one picture of the users taken while the job ran: users created or deleted
meanwhile may or may not be in it, and each user is in it once.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from userdesk.desk.directory.client import LinkRefused
from userdesk.desk.directory.exports import ExportJob, ExportsApi, full_user
from userdesk.desk.errors import DeskError
from userdesk.desk.exports.slices import Patience, Sleep
from userdesk.private_files import open_private

# The user as GET /users shows it, as far as an export job can give it.
PROFILE_FIELDS = [
    "user_id",
    "email",
    "email_verified",
    "username",
    "phone_number",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "picture",
    "created_at",
    "updated_at",
    "last_login",
    "last_ip",
    "logins_count",
    "blocked",
    "identities",
    "app_metadata",
    "user_metadata",
]
BATCH = 1_000
# Seconds between two reads of a running job; downloads of an expired link tried again.
POLL = 1.0
DOWNLOADS = 3


class ExportJobFailed(DeskError):
    status_code = 502
    code = "export_failed"


async def _finished(
    exports: ExportsApi, job: ExportJob, patience: Patience, sleep: Sleep
) -> ExportJob:
    while job.status not in ("completed", "failed"):
        await sleep(POLL)
        job = await patience.call(partial(exports.get, job.id))
    if job.status == "failed":
        reason = job.status_details or "no reason given"
        raise ExportJobFailed(f"The identity provider's export job {job.id} failed: {reason}")
    return job


async def _download(exports: ExportsApi, job: ExportJob, patience: Patience, path: Path) -> None:
    for attempt in range(DOWNLOADS):
        out = await asyncio.to_thread(open_private, path, "wb")
        try:
            await exports.download(job, out)
            return
        except LinkRefused:
            if attempt == DOWNLOADS - 1:
                raise
            # Expired on the way: a new read of the job signs a new link.
            job = await patience.call(partial(exports.get, job.id))
        finally:
            await asyncio.to_thread(out.close)


def _batches(path: Path) -> Iterator[list[dict[str, Any]]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        batch: list[dict[str, Any]] = []
        for line in lines:
            if line.strip():
                batch.append(full_user(json.loads(line)))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


async def job_users(
    exports: ExportsApi, patience: Patience, sleep: Sleep, scratch: Path
) -> AsyncIterator[list[dict[str, Any]]]:
    """Batches of every user, read from an export job's file kept at ``scratch`` meanwhile."""
    job = await patience.call(partial(exports.start, PROFILE_FIELDS))
    job = await _finished(exports, job, patience, sleep)
    try:
        await _download(exports, job, patience, scratch)
        batches = _batches(scratch)
        while True:
            batch = await asyncio.to_thread(next, batches, None)
            if batch is None:
                return
            yield batch
    finally:
        await asyncio.to_thread(scratch.unlink, missing_ok=True)
