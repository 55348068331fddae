"""Pytest plugin that starts real PostgreSQL and Redis servers for the test session."""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import sql

_DB_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_worker(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll `check` until a Celery worker under test has done its part."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.05)


def psycopg_url(url: str) -> str:
    """Turn a SQLAlchemy ``postgresql+psycopg://`` URL into one libpq/psycopg accepts."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _fast_tmp() -> str | None:
    """/dev/shm when it has room: on this disk CREATE DATABASE takes ~300 ms, on tmpfs ~25 ms."""
    shm = "/dev/shm"
    if os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 1 << 30:
        return shm
    return None  # tempfile's default


def _find_pgbin() -> Path:
    try:
        listing = subprocess.run(
            ["dpkg", "-L", "postgresql-15"], capture_output=True, text=True, check=True
        ).stdout
        initdb = next(line for line in listing.splitlines() if line.endswith("/initdb"))
        return Path(initdb).parent
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    # Another major version, or a non-Debian layout: take the newest installed.
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not found:
        pytest.fail(
            "PostgreSQL server programs (initdb, pg_ctl) not found: apt-get install -y postgresql",
            pytrace=False,
        )
    return Path(found[-1]).parent


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temp dir, reachable on 127.0.0.1:port."""

    def __init__(self) -> None:
        self.pgbin = _find_pgbin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="callops-pg-", dir=_fast_tmp()))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.url = self.url_for("postgres")
        # Postgres refuses to run as root, so root hands the cluster to the postgres user.
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.fail("runuser not found: apt-get install -y util-linux", pytrace=False)
            try:
                shutil.chown(self.dir, user="postgres", group="postgres")
            except LookupError:
                shutil.rmtree(self.dir)
                pytest.fail("no postgres user: apt-get install -y postgresql", pytrace=False)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str | Path) -> None:
        # cwd is the temp dir: the postgres user may not be allowed into the caller's cwd.
        cmd = [*self._as_postgres, *map(str, args)]
        done = subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(
                f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{log}",
                pytrace=False,
            )

    def start(self) -> None:
        self._run(
            self.pgbin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        # Durability is worthless for a throwaway cluster; skipping it makes DDL fast.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.pgbin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self._as_postgres, str(self.pgbin / "pg_ctl"), "-D", str(self.data),
                 "-m", "immediate", "-w", "stop"],
                cwd=self.dir, capture_output=True, check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    def _admin(self, statement: sql.Composed) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction, hence autocommit.
        with psycopg.connect(psycopg_url(self.url), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, name: str) -> str:
        """Create an empty UTF-8 database and return its SQLAlchemy URL."""
        if not _DB_NAME.fullmatch(name):
            raise ValueError(f"database name must match {_DB_NAME.pattern}: {name!r}")
        # template0 never has connections open, so parallel CREATEs cannot collide on it;
        # FILE_COPY beats the default WAL_LOG (~20 vs ~40 ms) because the cluster is tiny.
        self._admin(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 STRATEGY FILE_COPY").format(
                sql.Identifier(name)
            )
        )
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        # FORCE ends connections a test leaked (e.g. an engine it never disposed).
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class RedisServer:
    """A redis-server subprocess without persistence; stop/start keep the same port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: apt-get install -y redis-server", pytrace=False)
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = Path(tempfile.mkdtemp(prefix="callops-redis-"))
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self.running:
            return
        log = (self.dir / "redis.log").open("ab")
        self._proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.dir)],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.dir,
        )  # fmt: skip
        log.close()
        self._wait_for_ping()

    def _wait_for_ping(self, timeout: float = 10.0) -> None:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if not self.running:
                    break
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.TimeoutError):
                    time.sleep(0.02)
        finally:
            client.close()
        log = (self.dir / "redis.log").read_text(errors="replace")
        self.stop()
        pytest.fail(f"redis-server on port {self.port} did not answer PING:\n{log}", pytrace=False)

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database for one test; dropped afterwards."""
    name = f"test_{secrets.token_hex(6)}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied, and running again if an earlier test stopped it."""
    redis_server.start()
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushall()
    return redis_server.url
