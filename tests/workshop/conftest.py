"""Fixtures for the workshop store: the same tests run on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import pytest

from pcn_workbook.workshop import store as workshop_store


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A store URL: a fresh SQLite file, or the session's PostgreSQL database (shared by the
    tests of one process: every test makes its own workshops, and workshops never mix)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workshops.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    opened = workshop_store.open_store(store_url)
    yield opened
    if opened.dialect == "sqlite":  # PostgreSQL's store is shared by the session's tests
        opened.close()


@pytest.fixture
def workshop(store):
    return store.create_workshop("A test workshop")


@pytest.fixture
def person(store, workshop):
    """(participant, secret) of someone who joined ``workshop``."""
    return store.join(workshop.workshop.code, None, "Ann", "GP")
