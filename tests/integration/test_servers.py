"""Proves the real-server fixtures in tests/servers.py work."""

from __future__ import annotations

import psycopg
import pytest
import redis

from tests.servers import PostgresServer, RedisServer, psycopg_url


@pytest.mark.postgres
def test_postgres_is_15_or_newer(postgres_url: str) -> None:
    with psycopg.connect(psycopg_url(postgres_url)) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()
        banner = conn.execute("SELECT version()").fetchone()
    assert version is not None and int(version[0]) >= 150000
    assert banner is not None and banner[0].startswith("PostgreSQL ")


@pytest.mark.postgres
def test_postgres_round_trips_chinese_text(postgres_url: str) -> None:
    with psycopg.connect(psycopg_url(postgres_url)) as conn:
        conn.execute("CREATE TABLE company (id int PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO company VALUES (1, %s)", ("上海华为",))
        conn.commit()
        row = conn.execute("SELECT name, length(name) FROM company WHERE id = 1").fetchone()
        encoding = conn.execute("SHOW server_encoding").fetchone()
    assert row == ("上海华为", 4)  # 4 characters, not 12 bytes: the database is UTF-8
    assert encoding == ("UTF8",)


@pytest.mark.postgres
def test_postgres_databases_are_isolated(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    other_url = postgres_server.create_database("isolation_check")
    try:
        with psycopg.connect(psycopg_url(postgres_url)) as conn:
            conn.execute("CREATE TABLE only_here (x int)")
            conn.commit()
        with psycopg.connect(psycopg_url(other_url)) as conn:
            found = conn.execute("SELECT to_regclass('only_here')").fetchone()
        assert found == (None,)
        assert other_url != postgres_url
    finally:
        postgres_server.drop_database("isolation_check")


@pytest.mark.redis
def test_redis_set_get(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.set("城市", "上海")
        assert client.get("城市") == "上海".encode()


@pytest.mark.redis
def test_redis_url_starts_empty(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        assert client.dbsize() == 0


@pytest.mark.redis
def test_redis_restart_keeps_port_and_loses_data(redis_server: RedisServer, redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        client.set("k", "v")
        redis_server.stop()
        with pytest.raises(redis.ConnectionError):
            client.get("k")
        redis_server.start()
        # The same client object reconnects to the same port on its own.
        assert client.get("k") is None  # no RDB/AOF: nothing survives a stop
    redis_server.restart()
    with redis.Redis.from_url(redis_url) as fresh:
        assert fresh.ping()
        assert redis_url == redis_server.url == f"redis://127.0.0.1:{redis_server.port}/0"


@pytest.mark.redis
def test_redis_url_restarts_a_stopped_server(
    redis_server: RedisServer, request: pytest.FixtureRequest
) -> None:
    redis_server.stop()
    assert not redis_server.running
    # Requesting the fixture now is what the next test would do after a test left Redis down.
    url = request.getfixturevalue("redis_url")
    with redis.Redis.from_url(url) as client:
        assert client.ping()
