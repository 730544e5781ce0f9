"""tests/postgres.py: the throwaway server behind the ``postgres_url`` fixture."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from postgres import Cluster, PostgresUnavailable, find_binaries


def test_missing_binaries_are_reported_not_crashed(tmp_path):
    with pytest.raises(PostgresUnavailable, match="initdb failed|did not run"):
        Cluster(Path(tmp_path / "no-postgres-here")).start()


def test_the_fixture_server(postgres_cluster, postgres_url):
    assert postgres_url == postgres_cluster.url
    assert postgres_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert (find_binaries() / "initdb").is_file()
    with psycopg.connect(
        f"host=127.0.0.1 port={postgres_cluster.port} user=postgres dbname=workshop"
    ) as conn:
        assert conn.execute("SHOW fsync").fetchone()[0] == "off"
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        assert conn.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
