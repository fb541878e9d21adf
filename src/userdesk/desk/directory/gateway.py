"""The directory gateway: the desk's one way into the identity provider.

Services receive a ``DirectoryGateway`` and call typed methods on it; none of them builds a
Management API path or sees its JSON.
"""

from __future__ import annotations

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.connections import ConnectionsApi
from userdesk.desk.directory.exports import ExportsApi
from userdesk.desk.directory.logs import LogsApi
from userdesk.desk.directory.roles import RolesApi
from userdesk.desk.directory.sessions import SessionsApi
from userdesk.desk.directory.tickets import TicketsApi
from userdesk.desk.directory.users import UsersApi
from userdesk.desk.news import CacheNews


class DirectoryGateway:
    def __init__(self, client: ManagementClient, news: CacheNews | None = None) -> None:
        self.users = UsersApi(client)
        self.roles = RolesApi(client, news)
        self.logs = LogsApi(client)
        self.sessions = SessionsApi(client)
        self.tickets = TicketsApi(client)
        self.connections = ConnectionsApi(client)
        self.exports = ExportsApi(client)
