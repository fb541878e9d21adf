"""Management API v2 routes under /api/v2."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v2")
