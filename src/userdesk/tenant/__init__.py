"""The embedded tenant: a local identity server that speaks Auth0's protocols.

Nothing in ``userdesk.desk`` may import this package; the desk reaches the tenant over HTTP only.
"""
