"""A user's log events, newest first."""
