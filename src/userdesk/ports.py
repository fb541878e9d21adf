"""Checking that a port is free before anything is announced or created for it."""

from __future__ import annotations

import errno
import socket


class PortBusy(OSError):
    pass


def ensure_free(host: str, port: int, what: str) -> None:
    """Raise ``PortBusy`` naming ``what`` if ``host:port`` cannot be bound now.

    The check binds without listening and lets go at once: a server started right after may
    still lose a race, but the common case (another copy already running) is caught before
    the command prints addresses that will not answer.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # The same option uvicorn sets, so a port in TIME_WAIT is not reported as taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortBusy(
                    f"Port {port} on {host} is already in use, so the {what} cannot start "
                    f"there: stop what is using it, or choose another port"
                ) from None
            raise PortBusy(f"Cannot use {host}:{port} for the {what}: {exc.strerror}") from None
