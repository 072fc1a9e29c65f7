"""Alembic environment. scrutiny runs migrations itself (`scrutiny.store.db.migrate`), passing
an open connection in `config.attributes["connection"]`; there is no alembic.ini.

To write a new migration by hand: copy versions/r0001_initial.py, set `down_revision` to the
previous revision and describe the change with `op.*`. tests/store/test_migrations.py checks
that the migrated database matches `scrutiny.store.schema.metadata`.
"""

from __future__ import annotations

from alembic import context

from scrutiny.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("scrutiny migrations run through scrutiny.store.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
)
with context.begin_transaction():
    context.run_migrations()
