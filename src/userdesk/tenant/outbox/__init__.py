"""The outbox: every mail the tenant would send, kept where a developer can read it.

The embedded tenant delivers no mail. Verification and password-change messages are stored
with their links instead, and read at ``/outbox`` (a page for local use),
``/outbox.json?to=`` (any Management API token) or ``userdesk tenant outbox``.
"""
