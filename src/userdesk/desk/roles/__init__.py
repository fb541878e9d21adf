"""Staff-assignable roles: the tenant's roles and which a user holds."""
