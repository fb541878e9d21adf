"""Userdesk: a self-hosted user-administration desk for Auth0-compatible tenants."""

__version__ = "0.1.0"
