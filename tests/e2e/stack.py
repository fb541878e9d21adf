"""The desk and its embedded tenant as a browser sees them, plus a headless Debian Chromium.

The SPA's callback, logout and web-origin URLs are seeded from the tenant's ``desk_url``, so
the desk's socket is bound first to learn its port. Both run on ``localhost`` (not 127.0.0.1):
the tenant's session cookie must be same-site with the desk for auth0-spa-js's silent calls.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.desk import desk_settings, migrate_audit
from tests.support.servers import RunningTenant, ServerThread, bind_loopback, start_tenant

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "userdesk" / "desk" / "static"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Stack:
    tenant: RunningTenant
    desk_thread: ServerThread
    desk_url: str

    @property
    def admin(self) -> dict[str, str]:
        admin: dict[str, str] = self.tenant.config["admin"]
        return admin

    def stop(self) -> None:
        self.desk_thread.stop()
        self.tenant.stop()


def ensure_built() -> None:
    """Build the SPA when no build is there yet (``make test`` builds it before pytest)."""
    if (STATIC / "index.html").is_file():
        return
    if not (WEB / "node_modules").is_dir():
        raise RuntimeError("The SPA is not built and web/node_modules is missing: run `make web`")
    subprocess.run(["npm", "run", "build"], cwd=WEB, check=True, capture_output=True)


def start_stack(data_dir: Path, *, demo_users: int = 50, **tenant_options: Any) -> Stack:
    """``tenant_options`` override ``TenantSettings`` (``rate_limit_per_minute``...)."""
    from userdesk.desk.app import create_app

    ensure_built()
    desk_socket = bind_loopback()
    desk_url = f"http://localhost:{desk_socket.getsockname()[1]}"

    def configure(options: dict[str, Any]) -> None:
        options.update(desk_url=desk_url, **tenant_options)

    tenant = start_tenant(
        data_dir, host_name="localhost", demo_users=demo_users, configure=configure
    )
    try:
        settings = desk_settings(tenant)
        migrate_audit(settings.audit_database_url)
        app = create_app(settings, static_dir=STATIC)
        desk_thread = ServerThread(app, desk_socket).start()
    except BaseException:
        tenant.stop()
        raise
    return Stack(tenant=tenant, desk_thread=desk_thread, desk_url=desk_url)
