"""The desk: the API behind the staff SPA. It reaches the identity provider only over HTTP."""
