"""Tickets: the single-use links that change a password or verify an email, and their pages."""
