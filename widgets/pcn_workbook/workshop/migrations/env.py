"""Alembic environment for the workshop store.

The store runs migrations itself (``Store.migrate``): it passes an open connection, already inside
the transaction that holds the migration lock, as ``config.attributes["connection"]``. Run by hand,
``alembic -x url=sqlite:///path upgrade head`` (with ``script_location`` pointing here) also works.
"""

from alembic import context
from sqlalchemy import create_engine

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    from pcn_workbook.workshop.store import _parse_url, default_url

    return _parse_url(url or default_url()).render_as_string(hide_password=False)


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        with create_engine(_url()).connect() as connection:
            _run(connection)
            connection.commit()
