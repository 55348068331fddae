"""`python -m services.search serve|migrate|reindex|check`: run the search service, migrate
its database (saved searches), rebuild its index from the contract service, or compare the
two and repair the difference."""

from __future__ import annotations

import redis
import typer
from elasticsearch import ApiError, TransportError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.common.config import load_settings
from services.common.errors import Unavailable
from services.common.migrations import upgrade
from services.common.server import run
from services.search.adapters.elasticsearch_engine import ElasticsearchEngine
from services.search.adapters.reindex_lock import ReindexLock, ReindexRunning
from services.search.bootstrap import MIGRATIONS, SearchApp, bootstrap, registration
from services.search.config import SearchSettings
from services.search.service_layer import indexing

cli = typer.Typer(add_completion=False, help=__doc__)


def _fail(error: Unavailable) -> typer.Exit:
    typer.echo(f"search: {error.message}", err=True)
    return typer.Exit(3)


def _progress() -> Progress:
    # ListContracts gives no total: the bar counts contracts read so far.
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


@cli.command()
def serve() -> None:
    """Serve gRPC on CALLOPS_GRPC_HOST:CALLOPS_GRPC_PORT (default 50054) until SIGTERM."""
    run(load_settings(SearchSettings), registration)  # type: ignore[arg-type]


@cli.command()
def migrate() -> None:
    """Bring the database at CALLOPS_DATABASE_URL to the newest schema."""
    settings = load_settings(SearchSettings)
    upgrade(MIGRATIONS, settings.database_url_or_default())
    typer.echo(f"search: migrated {settings.database_url_or_default()}")


@cli.command()
def reindex() -> None:
    """Index every contract of the contract service (at CALLOPS_CONTRACT_ADDRESS).

    With Elasticsearch: into a fresh index, then one atomic alias swap (searches go on
    meanwhile), one reindex at a time (a lock in Redis at CALLOPS_BROKER_URL). With tantivy:
    in place.
    """
    settings = load_settings(SearchSettings)
    app = bootstrap(settings)
    if isinstance(app.engine, ElasticsearchEngine):
        _rebuild(app.engine, app, settings)
        return
    with _progress() as progress:
        task = progress.add_task("indexing contracts", total=None)
        try:
            seen = indexing.reindex(
                app.writable_engine(),
                app.contracts,
                app.policy,
                progress=lambda n: progress.advance(task, n),
            )
        except Unavailable as error:
            raise _fail(error) from None
    typer.echo(f"search: indexed {seen} contracts")


def _rebuild(engine: ElasticsearchEngine, app: SearchApp, settings: SearchSettings) -> None:
    lock = ReindexLock(redis.Redis.from_url(settings.broker_url))
    written = 0

    def advance(count: int) -> None:
        nonlocal written
        written += count
        progress.advance(task, count)

    with _progress() as progress:
        task = progress.add_task("indexing contracts into a fresh index", total=None)
        try:
            name = indexing.rebuild(engine, app.contracts, app.policy, lock, progress=advance)
        except ReindexRunning as error:
            typer.echo(f"search: {error.message}", err=True)
            raise typer.Exit(4) from None
        except Unavailable as error:
            raise _fail(error) from None
        except (redis.RedisError, ApiError, TransportError) as error:
            typer.echo(f"search: reindex failed, the alias is unchanged: {error}", err=True)
            raise typer.Exit(3) from None
    typer.echo(f"search: indexed {written} contracts into {name}; {engine.alias} points to it")


@cli.command()
def check(
    repair: bool = typer.Option(True, help="Fix the differences found (--no-repair: report)."),
) -> None:
    """Compare ids and versions between the contract service and the index."""
    app = bootstrap(load_settings(SearchSettings))
    with _progress() as progress:
        task = progress.add_task("reading contracts", total=None)
        try:
            diff = indexing.check(
                app.writable_engine(),
                app.contracts,
                app.policy,
                repair=repair,
                progress=lambda n: progress.advance(task, n),
            )
        except Unavailable as error:
            raise _fail(error) from None
    for label, names in (
        ("missing", diff.missing),
        ("stale", diff.stale),
        ("ahead", diff.ahead),
        ("extra", diff.extra),
    ):
        typer.echo(f"{label}: {len(names)}" + (f" (e.g. {', '.join(names[:5])})" if names else ""))
    if diff.clean:
        typer.echo("search: the index matches the contract service")
    elif repair:
        typer.echo("search: repaired")
    else:
        raise typer.Exit(1)


if __name__ == "__main__":
    cli()
