"""The ``userdesk`` command: the composition root, the only place that starts both parts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

if TYPE_CHECKING:
    from userdesk.tenant.settings import TenantSettings

app = typer.Typer(help="Userdesk: user administration for Auth0-compatible tenants.")
tenant_app = typer.Typer(help="The embedded tenant: a local Auth0 for development and CI.")
app.add_typer(tenant_app, name="tenant")
console = Console(soft_wrap=True)

ForwardedAllowIps = Annotated[
    str | None,
    typer.Option(
        "--forwarded-allow-ips",
        envvar="USERDESK_FORWARDED_ALLOW_IPS",
        help="Comma-separated addresses of reverse proxies whose X-Forwarded-For is trusted "
        "(per-IP sign-in limits then count the client's address); default: none",
    ),
]

ManagementRateLimit = Annotated[
    str | None,
    typer.Option(
        "--management-rate-limit",
        help="The embedded tenant's Management API limit per client: BURST/PER_SECOND "
        "(default 50/20), or off",
    ),
]

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $USERDESK_DATA_DIR or ./.userdesk)"),
]


def _management_rate_limit(value: str) -> dict[str, object]:
    """``50/20`` (a burst of 50, 20 a second) or ``off``, as tenant settings."""
    if value.strip().lower() == "off":
        return {"rate_limit_burst": None}
    burst, _, per_second = value.partition("/")
    try:
        parsed = (int(burst), float(per_second))
    except ValueError:
        parsed = (0, 0.0)
    if parsed[0] < 1 or parsed[1] <= 0:
        raise typer.BadParameter("expected BURST/PER_SECOND, e.g. 50/20, or off")
    return {"rate_limit_burst": parsed[0], "rate_limit_per_second": parsed[1]}


def _tenant_settings(  # type: ignore[no-untyped-def]
    data_dir: Path | None, public_url: str | None = None, **extra: object
):
    from userdesk.tenant.settings import TenantSettings

    overrides: dict[str, object] = dict(extra)
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if public_url is not None:
        overrides["public_url"] = public_url
    return TenantSettings(**overrides)  # type: ignore[arg-type]


def _announce_admin(generated: str | None, email: str) -> None:
    if generated:
        console.print(
            f"[bold]Embedded tenant created.[/bold] Admin sign-in: [cyan]{email}[/cyan] / "
            f"[cyan]{generated}[/cyan] (shown once; also in tenant.json, mode 0600)"
        )


@tenant_app.command("serve")
def tenant_serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8001,
    data_dir: DataDir = None,
    tls: Annotated[bool, typer.Option("--tls", help="Serve HTTPS with a local CA")] = False,
    forwarded_allow_ips: ForwardedAllowIps = None,
    management_rate_limit: ManagementRateLimit = None,
) -> None:
    """Run the embedded tenant alone, for any app that speaks Auth0."""
    from userdesk.runner import Served, run
    from userdesk.tenant.app import create_app
    from userdesk.tenant.bootstrap import bootstrap
    from userdesk.tenant.tls import ensure_certificates

    scheme = "https" if tls else "http"
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::1") else host  # noqa: S104
    limits = _management_rate_limit(management_rate_limit) if management_rate_limit else {}
    settings = _tenant_settings(data_dir, f"{scheme}://{shown_host}:{port}", **limits)
    boot = bootstrap(settings)
    _announce_admin(boot.generated_admin_password, settings.admin_email)
    files = ensure_certificates(settings.data_dir) if tls else None
    if files:
        console.print(
            f"TLS: trust [cyan]{files.ca_cert}[/cyan] (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE)"
        )
    console.print(
        f"Tenant at [cyan]{settings.origin}[/cyan]; configuration in "
        f"{settings.data_dir / 'tenant.json'}"
    )
    served = Served(
        create_app(settings, boot),
        host,
        port,
        files.cert if files else None,
        files.key if files else None,
        forwarded_allow_ips,
    )
    run([served])


@tenant_app.command("seed")
def tenant_seed(
    users: Annotated[int, typer.Option("--users", min=1, help="How many demo users to add")],
    data_dir: DataDir = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same users")] = 0,
) -> None:
    """Add deterministic, realistic demo users to the embedded tenant."""
    from userdesk.tenant.bootstrap import bootstrap
    from userdesk.tenant.seed import seed_users
    from userdesk.tenant.store.db import transaction

    settings = _tenant_settings(data_dir)
    boot = bootstrap(settings)
    _announce_admin(boot.generated_admin_password, settings.admin_email)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("Seeding users", total=users)
        with transaction(boot.sessions) as session:
            added = seed_users(
                session, users, seed=seed, progress=lambda n: progress.advance(task, n)
            )
    console.print(f"Added {added} users.")


def _embedded_tenant_settings(
    data_dir: Path, tenant_port: int, desk_port: int, **extra: object
) -> TenantSettings:
    from userdesk.tenant.settings import TenantSettings

    # localhost, not 127.0.0.1: the browser's origin must match the SPA callbacks seeded from it.
    return TenantSettings(
        data_dir=data_dir,
        public_url=f"http://localhost:{tenant_port}",
        desk_url=f"http://localhost:{desk_port}",
        **extra,  # type: ignore[arg-type]
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface for the desk")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the desk")] = 8000,
    tenant_port: Annotated[int, typer.Option(help="Port for the embedded tenant")] = 8001,
    data_dir: DataDir = None,
    forwarded_allow_ips: ForwardedAllowIps = None,
    management_rate_limit: ManagementRateLimit = None,
) -> None:
    """Run the desk and, without AUTH0_DOMAIN, the embedded tenant beside it."""
    from userdesk.desk.app import create_app as create_desk
    from userdesk.runner import Served, run
    from userdesk.settings import SettingsError, load_settings

    try:
        settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None

    served: list[Served] = []
    if settings.embedded:
        from userdesk.tenant.app import create_app as create_tenant
        from userdesk.tenant.bootstrap import bootstrap

        limits = _management_rate_limit(management_rate_limit) if management_rate_limit else {}
        tenant_settings = _embedded_tenant_settings(settings.data_dir, tenant_port, port, **limits)
        boot = bootstrap(tenant_settings)
        _announce_admin(boot.generated_admin_password, tenant_settings.admin_email)
        served.append(
            Served(
                create_tenant(tenant_settings, boot),
                "127.0.0.1",
                tenant_port,
                forwarded_allow_ips=forwarded_allow_ips,
            )
        )
        settings = settings.for_embedded_tenant(boot.tenant_json)
        console.print(f"Embedded tenant at [cyan]{tenant_settings.origin}[/cyan]")
    else:
        console.print(f"Using the tenant at [cyan]{settings.origin}[/cyan]")
    served.append(
        Served(create_desk(settings), host, port, forwarded_allow_ips=forwarded_allow_ips)
    )
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::1") else host  # noqa: S104
    console.print(f"Desk at [cyan]http://{shown_host}:{port}[/cyan]")
    run(served)


if __name__ == "__main__":
    app()
