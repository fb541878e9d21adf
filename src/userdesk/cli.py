"""The ``userdesk`` command: the composition root, the only place that starts both parts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from userdesk.desk.audit.commands import audit_app

if TYPE_CHECKING:
    from userdesk.desk.settings import Settings
    from userdesk.tenant.settings import TenantSettings

app = typer.Typer(help="Userdesk: user administration for Auth0-compatible tenants.")
tenant_app = typer.Typer(help="The embedded tenant: a local Auth0 for development and CI.")
app.add_typer(tenant_app, name="tenant")
app.add_typer(audit_app, name="audit")
console = Console(soft_wrap=True)

Workers = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help="Processes serving requests (one SQLite database, several processes: WAL)",
    ),
]

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
    workers: Workers = 1,
    forwarded_allow_ips: ForwardedAllowIps = None,
    management_rate_limit: ManagementRateLimit = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="The URL clients reach the tenant at, when it is not this host and port "
            "(replicas behind a proxy)",
        ),
    ] = None,
) -> None:
    """Run the embedded tenant alone, for any app that speaks Auth0."""
    from userdesk.runner import Served, run, run_workers
    from userdesk.tenant.app import create_app
    from userdesk.tenant.tls import ensure_certificates

    scheme = "https" if tls else "http"
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::1") else host  # noqa: S104
    limits = _management_rate_limit(management_rate_limit) if management_rate_limit else {}
    url = public_url.rstrip("/") if public_url else f"{scheme}://{shown_host}:{port}"
    settings = _tenant_settings(data_dir, url, **limits)
    boot = _provision(settings)
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
    certfile, keyfile = (files.cert, files.key) if files else (None, None)
    if workers > 1:
        boot.engine.dispose()
        run_workers(
            "userdesk.tenant.app:from_environment",
            _tenant_environment(settings),
            host=host,
            port=port,
            workers=workers,
            certfile=certfile,
            keyfile=keyfile,
            forwarded_allow_ips=forwarded_allow_ips,
        )
        return
    run([Served(create_app(settings, boot), host, port, certfile, keyfile, forwarded_allow_ips)])


def _tenant_environment(settings: TenantSettings) -> dict[str, str]:
    """What ``TenantSettings()`` in a worker needs to read the settings given here."""
    burst = settings.rate_limit_burst
    return {
        "USERDESK_DATA_DIR": str(settings.data_dir.resolve()),
        "USERDESK_TENANT_PUBLIC_URL": settings.public_url,
        "USERDESK_TENANT_DESK_URL": settings.desk_url,
        "USERDESK_TENANT_RATE_LIMIT_BURST": "off" if burst is None else str(burst),
        "USERDESK_TENANT_RATE_LIMIT_PER_SECOND": str(settings.rate_limit_per_second),
    }


def _provision(settings: TenantSettings, *, require_domain: bool = True):  # type: ignore[no-untyped-def]
    """The tenant, created on first start; a tenant made for another URL is refused."""
    from userdesk.tenant.provisioning.first_start import DomainMismatch, provision

    try:
        return provision(settings, require_domain=require_domain)
    except DomainMismatch as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@tenant_app.command("seed")
def tenant_seed(
    users: Annotated[int, typer.Option("--users", min=1, help="How many demo users to add")],
    data_dir: DataDir = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same users")] = 0,
) -> None:
    """Add deterministic, realistic demo users to the embedded tenant (users only)."""
    from userdesk.tenant.provisioning.demo import seed_users
    from userdesk.tenant.store.db import transaction

    settings = _tenant_settings(data_dir)
    # Adding users never touches the tenant's domain, audiences or clients.
    boot = _provision(settings, require_domain=False)
    _announce_admin(boot.generated_admin_password, settings.admin_email)
    # About a hundred batches, so the bar moves with the work.
    batch = min(100_000, max(1_000, users // 100))
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
                session,
                users,
                seed=seed,
                batch=batch,
                progress=lambda n: progress.update(task, advance=n, refresh=True),
            )
    boot.engine.dispose()
    console.print(f"Added {added} users.")


def _bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


@tenant_app.command("import")
def tenant_import(
    file: Annotated[Path, typer.Argument(help="Auth0 import file: a JSON array, or NDJSON")],
    upsert: Annotated[
        bool, typer.Option("--upsert", help="Update users whose email already exists")
    ] = False,
    connection: Annotated[
        str | None, typer.Option("--connection", help="Database connection (default: the first)")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import users in Auth0's bulk import schema; bad entries are listed by index."""
    from userdesk.tenant.bulk.commands import run_import

    boot = _provision(_tenant_settings(data_dir), require_domain=False)
    try:
        code = run_import(boot.sessions, file, upsert=upsert, connection=connection, bar=_bar())
    finally:
        boot.engine.dispose()
    raise typer.Exit(code)


@tenant_app.command("export")
def tenant_export(
    file: Annotated[Path, typer.Argument(help="Where to write the export")],
    fmt: Annotated[str, typer.Option("--format", help="json (NDJSON), ndjson or csv")] = "json",
    fields: Annotated[
        str | None,
        typer.Option("--fields", help="Fields, comma-separated; rename with name=export_as"),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Export every user in Auth0's bulk export formats (passwords as bcrypt hashes)."""
    from userdesk.tenant.bulk.commands import run_export

    boot = _provision(_tenant_settings(data_dir), require_domain=False)
    try:
        code = run_export(boot.sessions, file, fmt=fmt, fields=fields, bar=_bar())
    finally:
        boot.engine.dispose()
    raise typer.Exit(code)


@tenant_app.command("admin")
def tenant_admin(
    email: Annotated[str, typer.Option("--email", help="The admin's email")],
    password: Annotated[
        str | None, typer.Option("--password", help="Password (default: generated, shown once)")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Create an Admin of the embedded tenant, or reset one: unblocked, new password."""
    from userdesk.tenant.provisioning.admin import AdminRoleMissing, WeakPassword, ensure_admin
    from userdesk.tenant.store.db import transaction

    boot = _provision(_tenant_settings(data_dir), require_domain=False)
    try:
        with transaction(boot.sessions) as session:
            account = ensure_admin(session, email, password)
    except (AdminRoleMissing, WeakPassword) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    finally:
        boot.engine.dispose()
    done = "Created" if account.created else "Reset"
    console.print(f"{done} admin [cyan]{account.email}[/cyan] ({account.user_id}).")
    if account.generated_password:
        console.print(f"Password: [cyan]{account.generated_password}[/cyan] (shown once)")


@tenant_app.command("set-domain")
def tenant_set_domain(
    url: Annotated[
        str, typer.Argument(help="The tenant's new public URL, e.g. http://localhost:9001")
    ],
    data_dir: DataDir = None,
) -> None:
    """Move the embedded tenant to a new public URL (issuer, Management API audience).

    Tokens issued before the move stop verifying; reconfigure its clients with the new domain.
    """
    from userdesk.tenant.provisioning.identity import set_domain

    settings = _tenant_settings(data_dir)
    boot = _provision(settings, require_domain=False)
    document = set_domain(boot.sessions, settings.data_dir, url)
    boot.engine.dispose()
    console.print(f"The tenant's domain is now [cyan]{document['domain']}[/cyan].")


@tenant_app.command("outbox")
def tenant_outbox(
    to: Annotated[str | None, typer.Option("--to", help="Only mail sent to this address")] = None,
    data_dir: DataDir = None,
) -> None:
    """Show the mail the embedded tenant sent (kept, never delivered), newest first."""
    from rich.markup import escape

    from userdesk.tenant.outbox.repository import OutboxRepository
    from userdesk.tenant.outbox.schemas import OutboxMessageRead

    boot = _provision(_tenant_settings(data_dir), require_domain=False)
    with boot.sessions() as session:
        messages = [OutboxMessageRead.of(m) for m in OutboxRepository(session).newest(to)]
    boot.engine.dispose()
    for message in messages:
        console.print(
            f"[bold]{escape(message.subject)}[/bold] to [cyan]{escape(message.to)}[/cyan] "
            f"at {message.created_at}"
        )
        for link in message.links:
            console.print(f"  {link}", highlight=False, markup=False)
    if not messages:
        console.print("No mail yet." if to is None else f"No mail to {to} yet.")


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


def _migrate(settings: Settings) -> None:
    """The audit database and, for the embedded default, the tenant's store: one at a time
    across processes (a lock file in the data directory), each a no-op when up to date."""
    import asyncio

    from userdesk.desk.audit import db as audit_db
    from userdesk.locks import exclusive
    from userdesk.tenant.store.db import make_engine, migrate

    async def audit() -> None:
        engine = audit_db.make_engine(settings.audit_database_url)
        try:
            await audit_db.migrate(engine)
        finally:
            await engine.dispose()

    with exclusive(settings.data_dir):
        asyncio.run(audit())
        if settings.embedded:
            tenant = make_engine(_tenant_settings(settings.data_dir).db_url)
            try:
                migrate(tenant)
            finally:
                tenant.dispose()


@app.command("migrate")
def migrate_command(data_dir: DataDir = None) -> None:
    """Bring the audit database and the embedded tenant's store to the newest schema."""
    from userdesk.desk.settings import SettingsError, load_settings

    try:
        settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    _migrate(settings)
    console.print("Databases are up to date.")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Interface for the desk")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the desk")] = 8000,
    tenant_port: Annotated[int, typer.Option(help="Port for the embedded tenant")] = 8001,
    data_dir: DataDir = None,
    workers: Workers = 1,
    forwarded_allow_ips: ForwardedAllowIps = None,
    management_rate_limit: ManagementRateLimit = None,
) -> None:
    """Run the desk and, without AUTH0_DOMAIN, the embedded tenant beside it."""
    from userdesk.desk.app import create_app as create_desk
    from userdesk.desk.settings import SettingsError, load_settings
    from userdesk.ports import PortBusy, ensure_free
    from userdesk.runner import Served, run

    try:
        settings = load_settings(**({"data_dir": data_dir} if data_dir else {}))
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None

    try:
        ensure_free(host, port, "desk")
        if settings.embedded:
            ensure_free("127.0.0.1", tenant_port, "embedded tenant")
    except PortBusy as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None

    # The audit database (and the embedded tenant's store) at the newest schema, once, before
    # any server starts; several processes started together take turns.
    _migrate(settings)
    if workers > 1:
        _serve_workers(
            settings,
            host,
            port,
            tenant_port,
            workers,
            forwarded_allow_ips=forwarded_allow_ips,
            management_rate_limit=management_rate_limit,
        )
        return
    served: list[Served] = []
    if settings.embedded:
        from userdesk.tenant.app import create_app as create_tenant

        limits = _management_rate_limit(management_rate_limit) if management_rate_limit else {}
        tenant_settings = _embedded_tenant_settings(settings.data_dir, tenant_port, port, **limits)
        boot = _provision(tenant_settings)
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


def _serve_workers(
    settings: Settings,
    host: str,
    port: int,
    tenant_port: int,
    workers: int,
    *,
    forwarded_allow_ips: str | None,
    management_rate_limit: str | None,
) -> None:
    """``serve --workers N``: the desk in N processes and, embedded, the tenant in N more.

    The embedded tenant runs under its own supervisor process; each desk worker builds the
    desk from the environment set here, the embedded tenant's connection settings included.
    """
    import multiprocessing

    from userdesk.runner import run_workers

    environment = {"USERDESK_DATA_DIR": str(settings.data_dir.resolve())}
    tenant = None
    if settings.embedded:
        limits = _management_rate_limit(management_rate_limit) if management_rate_limit else {}
        tenant_settings = _embedded_tenant_settings(settings.data_dir, tenant_port, port, **limits)
        boot = _provision(tenant_settings)
        boot.engine.dispose()
        _announce_admin(boot.generated_admin_password, tenant_settings.admin_email)
        document = boot.tenant_json
        environment |= {
            "AUTH0_DOMAIN": document["domain"],
            "AUTH0_AUDIENCE": document["api_audience"],
            "CLIENT_ID": document["backend"]["client_id"],
            "CLIENT_SECRET": document["backend"]["client_secret"],
            "AUTH0_SPA_CLIENT_ID": document["spa_client_id"],
        }
        tenant = multiprocessing.get_context("spawn").Process(
            target=_embedded_tenant_workers,
            args=(_tenant_environment(tenant_settings), tenant_port, workers, forwarded_allow_ips),
            name="userdesk-tenant",
        )
        tenant.start()
        console.print(f"Embedded tenant at [cyan]{tenant_settings.origin}[/cyan]")
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::1") else host  # noqa: S104
    console.print(f"Desk at [cyan]http://{shown_host}:{port}[/cyan], {workers} workers")
    try:
        run_workers(
            "userdesk.desk.app:from_environment",
            environment,
            host=host,
            port=port,
            workers=workers,
            forwarded_allow_ips=forwarded_allow_ips,
        )
    finally:
        if tenant is not None:
            tenant.terminate()
            tenant.join(30)


def _embedded_tenant_workers(
    environment: dict[str, str], port: int, workers: int, forwarded_allow_ips: str | None
) -> None:
    import sys

    from userdesk.runner import run_workers

    # multiprocessing gives a child a stdin whose descriptor its own children do not inherit;
    # uvicorn would hand that descriptor on to its workers, and skips a stdin of None.
    sys.stdin = None

    run_workers(
        "userdesk.tenant.app:from_environment",
        environment,
        host="127.0.0.1",
        port=port,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


if __name__ == "__main__":
    app()
