"""Users of the identity provider's directory: list, search, view, delete."""
