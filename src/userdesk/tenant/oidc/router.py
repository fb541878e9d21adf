"""Authentication API routes (OIDC): discovery, JWKS, /authorize, /oauth/token, logout..."""

from fastapi import APIRouter

router = APIRouter()
