"""The OpenID Provider metadata document, shaped like a real Auth0 tenant's.

OIDC libraries configured from discovery alone must find every endpoint, algorithm and
supported value here, with the same names and URLs Auth0 publishes.
"""

from __future__ import annotations

from typing import Any

from userdesk.tenant.context import TenantContext


def openid_configuration(tenant: TenantContext) -> dict[str, Any]:
    origin = tenant.settings.origin
    return {
        "issuer": tenant.issuer,
        "authorization_endpoint": f"{origin}/authorize",
        "token_endpoint": f"{origin}/oauth/token",
        "userinfo_endpoint": f"{origin}/userinfo",
        "jwks_uri": f"{origin}/.well-known/jwks.json",
        "revocation_endpoint": f"{origin}/oauth/revoke",
        "end_session_endpoint": f"{origin}/oidc/logout",
        "scopes_supported": [
            "openid",
            "profile",
            "offline_access",
            "name",
            "given_name",
            "family_name",
            "nickname",
            "email",
            "email_verified",
            "picture",
            "created_at",
            "identities",
            "phone",
            "address",
        ],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "web_message"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "grant_types_supported": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
            "password",
            "http://auth0.com/oauth/grant-type/password-realm",
        ],
        "claims_supported": [
            "aud",
            "auth_time",
            "created_at",
            "email",
            "email_verified",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "identities",
            "iss",
            "name",
            "nickname",
            "phone_number",
            "picture",
            "sub",
        ],
        "request_uri_parameter_supported": False,
        "request_parameter_supported": False,
    }
