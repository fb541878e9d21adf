"""The Management API v2 under /api/v2, as Auth0's SDKs and the desk call it.

Every route takes a Bearer token signed by the tenant (RS256), issued by it (exact ``iss``)
for the Management API (``aud`` in either the http:// or https:// form of
``{origin}/api/v2/``), and needs one of its scopes: ``read:users`` to read users, user
blocks and user permissions; ``create:``/``update:``/``delete:users`` to write them;
``read:roles``, ``create:``/``update:``/``delete:roles``; ``read:role_members`` or
``create:role_members``/``delete:role_members`` (or ``update:roles``) for role members and
user roles; ``read:logs`` or ``read:logs_users`` for logs. Every answer carries
``x-ratelimit-*``; past a client's limit (``TenantSettings.rate_limit_burst`` and
``rate_limit_per_second``, on by default) it gets 429s.
"""
