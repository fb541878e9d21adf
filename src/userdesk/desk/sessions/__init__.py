"""A user's login sessions, and signing them out everywhere."""
