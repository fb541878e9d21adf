"""Download links of export files: the link is the credential, as Auth0's S3 links are.

A link names the job and an expiry, signed with HMAC-SHA256 under a key kept with the job
(never served): anyone holding a fresh link may download the file without a token, nobody
can stretch its expiry or point it at another job, and a new GET of the job signs a new one.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from userdesk.tenant import clock

PATH = "/bulk-exports"


def file_name(job_format: str) -> str:
    return f"users.{'csv' if job_format == 'csv' else 'json'}.gz"


def _signature(key: str, job_id: str, expires: int) -> str:
    message = f"{job_id}:{expires}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def sign(origin: str, job_id: str, job_format: str, key: str, ttl: int) -> tuple[str, int]:
    """A link valid ``ttl`` seconds from now, and those seconds."""
    expires = int(clock.epoch()) + ttl
    query = urlencode({"expires": expires, "signature": _signature(key, job_id, expires)})
    return f"{origin}{PATH}/{job_id}/{file_name(job_format)}?{query}", ttl


class LinkRefused(Exception):
    pass


def check(job_id: str, key: str | None, expires: str, signature: str) -> None:
    if key is None or not expires.isdigit():
        raise LinkRefused("The link is not valid.")
    if not hmac.compare_digest(_signature(key, job_id, int(expires)), signature):
        raise LinkRefused("The link's signature does not match.")
    if clock.epoch() >= int(expires):
        raise LinkRefused("The link has expired; read the job again for a new one.")
