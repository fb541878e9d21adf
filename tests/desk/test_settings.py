"""The desk's settings: variables by their original names, refusals that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from userdesk.desk.settings import Settings, SettingsError, load_settings

SECRET = "s3cr3t-value-that-must-never-be-printed"
VARIABLES = (
    "AUTH0_DOMAIN",
    "AUTH0_AUDIENCE",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "AUTH0_SPA_CLIENT_ID",
    "USERDESK_DATA_DIR",
    "DATABASE_URL",
    "USERDESK_CORS_ORIGINS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # .env is read from the working directory: an empty one, so the developer's is not used.
    monkeypatch.chdir(tmp_path)


def _auth0(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    defaults = {
        "AUTH0_DOMAIN": "example.eu.auth0.com",
        "AUTH0_AUDIENCE": "https://desk.example/api",
        "CLIENT_ID": "m2m-client",
        "CLIENT_SECRET": SECRET,
        "AUTH0_SPA_CLIENT_ID": "spa-client",
    }
    for name, value in {**defaults, **values}.items():
        monkeypatch.setenv(name, value)


def test_nothing_set_means_the_embedded_tenant() -> None:
    settings = load_settings()
    assert settings.embedded
    assert settings.data_dir == Path(".userdesk")
    assert settings.audit_database_url.startswith("sqlite+aiosqlite:///")


def test_an_auth0_domain_means_https_and_the_slash_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0(monkeypatch)
    settings = load_settings()
    assert not settings.embedded
    assert settings.origin == "https://example.eu.auth0.com"
    assert settings.issuer == "https://example.eu.auth0.com/"
    assert settings.management_audience == "https://example.eu.auth0.com/api/v2/"
    assert settings.client_secret is not None
    assert SECRET not in repr(settings)


def test_a_domain_with_a_scheme_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0(monkeypatch, AUTH0_DOMAIN="http://localhost:8001/")
    assert load_settings().issuer == "http://localhost:8001/"


@pytest.mark.parametrize("missing", ["AUTH0_AUDIENCE", "CLIENT_ID", "CLIENT_SECRET"])
def test_a_missing_variable_is_named(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    _auth0(monkeypatch)
    monkeypatch.delenv(missing)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert missing in str(caught.value)
    assert SECRET not in str(caught.value)


def test_credentials_without_a_domain_are_inconsistent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENT_SECRET", SECRET)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "CLIENT_SECRET" in str(caught.value)
    assert "AUTH0_DOMAIN" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_domain_with_a_path_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0(monkeypatch, AUTH0_DOMAIN="https://example.auth0.com/api/v2")
    with pytest.raises(SettingsError, match="AUTH0_DOMAIN"):
        load_settings()


def test_dot_env_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "AUTH0_DOMAIN=tenant.example.com\nAUTH0_AUDIENCE=https://api\n"
        f"CLIENT_ID=abc\nCLIENT_SECRET={SECRET}\nDATABASE_URL=sqlite+aiosqlite:///x.db\n"
    )
    settings = load_settings()
    assert settings.origin == "https://tenant.example.com"
    assert settings.audit_database_url == "sqlite+aiosqlite:///x.db"


def test_embedded_settings_come_from_tenant_json() -> None:
    document = {
        "domain": "http://localhost:8001",
        "api_audience": "https://userdesk/api",
        "spa_client_id": "spa",
        "backend": {"client_id": "backend", "client_secret": SECRET},
    }
    settings = Settings(_env_file=None).for_embedded_tenant(document)  # type: ignore[call-arg]
    assert settings.issuer == "http://localhost:8001/"
    assert settings.client_id == "backend"
    assert settings.spa_client_id == "spa"
    assert SECRET not in repr(settings)


def test_a_plain_sqlite_url_gets_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////var/lib/userdesk/audit.db")
    assert load_settings().audit_database_url == "sqlite+aiosqlite:////var/lib/userdesk/audit.db"


def test_a_bad_database_url_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"not a url {SECRET}")
    with pytest.raises(SettingsError, match="DATABASE_URL") as caught:
        load_settings()
    assert SECRET not in str(caught.value)


def test_cors_is_closed_unless_origins_are_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().cors_origins == []
    monkeypatch.setenv("USERDESK_CORS_ORIGINS", "https://tools.example.com, http://localhost:5173/")
    assert load_settings().cors_origins == ["https://tools.example.com", "http://localhost:5173"]


def test_a_cors_entry_that_is_not_an_origin_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERDESK_CORS_ORIGINS", "https://ok.example, tools.example.com/path")
    with pytest.raises(SettingsError, match="USERDESK_CORS_ORIGINS"):
        load_settings()
