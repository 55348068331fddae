"""The contract service's writers queue in the process on SQLite (adapters.write_gate): the
gate is held from a transaction's first write to its end, whatever the end, never by reads,
and many threads creating contracts at once all get their gapless numbers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import select

from services.common.db import make_engine
from services.common.errors import FailedPrecondition
from services.contract.adapters import orm
from services.contract.adapters.write_gate import WriteGate, install_write_gate
from services.contract.bootstrap import ContractApp
from services.contract.service_layer import contracts
from tests.integration.test_contract_persistence import SALES, create, known_customer

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer


# The gate is for SQLite: these run on SQLite only (PostgreSQL locks rows; see the last test).
on_sqlite = pytest.mark.parametrize("contract_database_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_app(contract_app: ContractApp) -> ContractApp:
    assert contract_app.engine.dialect.name == "sqlite" and contract_app.write_gate is not None
    return contract_app


@on_sqlite
def test_held_from_the_first_write_to_the_commit_or_rollback(sqlite_app: ContractApp) -> None:
    app = sqlite_app
    gate = app.write_gate
    assert gate is not None
    with app.uow() as uow:
        uow.session.execute(select(orm.contracts.c.id)).all()
        assert not gate.held(), "a read does not queue writers"
        uow.next_contract_number(2026)
        assert gate.held()
        uow.commit()
    assert not gate.held()
    with app.uow() as uow:
        uow.next_contract_number(2026)
        assert gate.held()
    assert not gate.held(), "leaving without commit rolls back and gives the gate back"
    with pytest.raises(RuntimeError), app.uow() as uow:
        uow.next_contract_number(2026)
        raise RuntimeError("a use case fails half way")
    assert not gate.held()


@on_sqlite
def test_a_use_case_refused_after_its_first_write_gives_it_back(sqlite_app: ContractApp) -> None:
    app = sqlite_app
    draft = create(app)
    # Renewing takes the successor's number (a write), then the draft refuses to be renewed.
    with pytest.raises(FailedPrecondition):
        contracts.renew_contract(app.uow(), app.deps, SALES, draft.id, None, date(2028, 11, 30))
    assert app.write_gate is not None and not app.write_gate.held()
    assert create(app).number == "HT-2026-000002", "the refused renewal's number was not kept"


@on_sqlite
def test_many_threads_creating_at_once_all_get_gapless_numbers(sqlite_app: ContractApp) -> None:
    app = sqlite_app
    with ThreadPoolExecutor(12) as pool:
        made = list(pool.map(lambda _: create(app), range(48)))
    assert sorted(c.number for c in made) == [f"HT-2026-{n:06d}" for n in range(1, 49)]
    assert app.write_gate is not None and not app.write_gate.held()


def test_the_gate_is_reentrant_and_given_back_by_any_thread() -> None:
    gate = WriteGate()
    assert gate.take() and gate.take()  # a second connection of the same thread
    gate.give_back()
    assert gate.held()
    other = threading.Thread(target=gate.give_back)  # e.g. the garbage collector's checkin
    other.start()
    other.join()
    assert not gate.held()
    assert gate.take(wait=0)
    taken_elsewhere: list[bool] = []
    t = threading.Thread(target=lambda: taken_elsewhere.append(gate.take(wait=0)))
    t.start()
    t.join()
    assert taken_elsewhere == [False], "another thread waits while it is held"
    gate.give_back()


def test_postgresql_gets_no_gate(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        assert install_write_gate(engine) is None
    finally:
        engine.dispose()
