"""The identity provider's directory: the desk's token source and Management API client."""
