"""/api/exports: every user matching a search, as a file, past Auth0's 1000-result cap."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.errors import UPSTREAM_ERRORS, ErrorRead
from userdesk.desk.exports.schemas import ExportCreate, ExportRead
from userdesk.desk.exports.service import Export, ExportService
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/exports", tags=["exports"], responses=UPSTREAM_ERRORS)


def get_exports(request: Request) -> ExportService:
    service: ExportService = request.app.state.exports
    return service


Exports = Annotated[ExportService, Depends(get_exports)]
CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/x-ndjson"}


def _read(export: Export) -> ExportRead:
    return ExportRead.model_validate(export, from_attributes=True)


@router.post(
    "",
    status_code=202,
    response_model=ExportRead,
    summary="Start exporting every user matching a search",
    responses={400: {"model": ErrorRead, "description": "Fields a CSV cannot hold"}},
)
async def start_export(staff: CanReadUsers, exports: Exports, body: ExportCreate) -> ExportRead:
    return _read(exports.start(staff.sub, body.q, body.format, body.fields))


@router.get(
    "/{export_id}",
    response_model=ExportRead,
    summary="An export's progress",
    responses={404: {"model": ErrorRead, "description": "No such export of yours"}},
)
async def get_export(staff: CanReadUsers, exports: Exports, export_id: str) -> ExportRead:
    return _read(exports.get(staff.sub, export_id))


@router.get(
    "/{export_id}/file",
    response_class=FileResponse,
    summary="The exported file, once the export has completed",
    responses={
        404: {"model": ErrorRead, "description": "No such export of yours"},
        409: {"model": ErrorRead, "description": "The export has not completed"},
    },
)
async def export_file(staff: CanReadUsers, exports: Exports, export_id: str) -> FileResponse:
    export = exports.file(staff.sub, export_id)
    suffix = "csv" if export.format == "csv" else "ndjson"
    return FileResponse(
        export.path,
        media_type=MEDIA_TYPES[export.format],
        filename=f"users-{export.id}.{suffix}",
    )
