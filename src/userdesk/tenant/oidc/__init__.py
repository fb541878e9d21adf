"""The Authentication API: discovery, JWKS, /authorize and login, /oauth/token, logout."""

from fastapi import FastAPI

from userdesk.tenant.oidc.router import router


def install(app: FastAPI) -> None:
    app.include_router(router)
