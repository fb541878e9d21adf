"""The Authentication API: discovery, JWKS, /authorize and login, /oauth/token, logout.

``routes`` holds every route and ``install()``; a grant per module under ``grants/``.
"""
