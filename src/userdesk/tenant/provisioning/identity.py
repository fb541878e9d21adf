"""The tenant's identity: ``tenant.json``, and moving the tenant to another public URL.

A tenant's domain, issuer and Management API identifier are set at first start. Tokens,
client configurations and SDKs all carry them, so nothing changes them implicitly: serving a
tenant at another URL is refused, and ``set_domain`` (``userdesk tenant set-domain URL``) is
the one way to move it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from userdesk.private_files import replace_private
from userdesk.tenant.oidc.repository import ClientGrantRepository, ResourceServerRepository

MANAGEMENT_API_ID = "rs_management_api"
FILE_NAME = "tenant.json"


def management_identifier(origin: str) -> str:
    return f"{origin}/api/v2/"


def read(data_dir: Path) -> dict[str, Any]:
    path = data_dir / FILE_NAME
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise RuntimeError(
            f"{path} is missing but the tenant database exists; restore the file or start "
            "with an empty data directory"
        ) from exc
    return data


def write(data_dir: Path, document: dict[str, Any]) -> None:
    """Replace ``tenant.json`` atomically, readable by its owner only (it holds secrets)."""
    replace_private(data_dir / FILE_NAME, json.dumps(document, indent=2) + "\n")


def set_domain(sessions: sessionmaker[Session], data_dir: Path, url: str) -> dict[str, Any]:
    """Move the tenant to ``url``: its issuer, Management API identifier and grants follow.

    Tokens issued before the move no longer verify (their issuer and audience are the old
    ones); clients must be configured with the new domain.
    """
    origin = url.rstrip("/")
    document = read(data_dir)
    identifier = management_identifier(origin)
    with sessions() as session, session.begin():
        management = ResourceServerRepository(session).get(MANAGEMENT_API_ID)
        if management is not None and management.identifier != identifier:
            ClientGrantRepository(session).move_audience(management.identifier, identifier)
            management.identifier = identifier
    document["domain"] = origin
    document["issuer"] = f"{origin}/"
    document["management_audience"] = identifier
    write(data_dir, document)
    return document
