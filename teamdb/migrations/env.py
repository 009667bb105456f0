"""Alembic's environment: run the revisions on the connection `teamdb.schema` hands in.

The revisions are plain SQL (`op.execute`), so no SQLAlchemy models are needed; Alembic
only keeps the `alembic_version` table and the order of revisions.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
