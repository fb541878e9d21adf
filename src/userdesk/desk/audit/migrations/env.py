from alembic import context

from userdesk.desk.audit.db import VERSION_TABLE
from userdesk.desk.audit.models import AuditBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=AuditBase.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
