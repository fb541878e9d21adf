"""Bringing a tenant into being and keeping it usable from the command line.

``first_start`` creates the tenant's identity (key, clients, APIs, roles, admin) once;
``identity`` reads ``tenant.json`` and moves the tenant to a new public URL when told to;
``admin`` creates or resets an Admin; ``demo`` adds demo users.
"""
