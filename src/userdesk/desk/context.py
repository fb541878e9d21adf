"""The desk's runtime parts, opened by the app's lifespan, and the dependencies that reach them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from userdesk.desk.audit.service import AuditLog
from userdesk.desk.auth import TokenVerifier
from userdesk.desk.directory.actors import ActorEmails
from userdesk.desk.directory.gateway import DirectoryGateway
from userdesk.desk.directory.tokens import TokenSource
from userdesk.desk.settings import Settings
from userdesk.desk.shared import SharedState
from userdesk.desk.staff.accounts import StaffAccounts
from userdesk.desk.staff.service import StaffService
from userdesk.desk.users.service import UserService


@dataclass
class DeskContext:
    settings: Settings
    http: httpx.AsyncClient
    tokens: TokenSource
    directory: DirectoryGateway
    verifier: TokenVerifier
    audit_engine: AsyncEngine
    audit: AuditLog
    actors: ActorEmails
    staff: StaffService
    accounts: StaffAccounts
    users: UserService
    # Redis, when REDIS_URL is set: what replicas share (shared.py).
    shared: SharedState | None = None


def _context(request: Request) -> DeskContext:
    context: DeskContext = request.app.state.desk
    return context


# The dependencies are async: they do no I/O, and a sync dependency costs every request a
# trip to the thread pool.
async def get_context(request: Request) -> DeskContext:
    return _context(request)


async def get_directory(request: Request) -> DirectoryGateway:
    return _context(request).directory


async def get_audit(request: Request) -> AuditLog:
    return _context(request).audit


async def get_actors(request: Request) -> ActorEmails:
    return _context(request).actors


async def get_staff_service(request: Request) -> StaffService:
    return _context(request).staff


async def get_request_id(request: Request) -> str:
    request_id: str = request.state.request_id
    return request_id


Desk = Annotated[DeskContext, Depends(get_context)]
Directory = Annotated[DirectoryGateway, Depends(get_directory)]
Audit = Annotated[AuditLog, Depends(get_audit)]
Actors = Annotated[ActorEmails, Depends(get_actors)]
RequestId = Annotated[str, Depends(get_request_id)]
StaffDirectory = Annotated[StaffService, Depends(get_staff_service)]
