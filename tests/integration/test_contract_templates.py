"""Template versions and template-drafted contracts stored on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.contract.bootstrap import ContractApp
from services.contract.domain.approval import ContractKind
from services.contract.domain.template import Blank, BlankType, BlankValue
from services.contract.service_layer import contracts
from tests.contract_fixtures import FakeCustomerDirectory
from tests.integration.test_contract_persistence import CUSTOMER_ID, SALES, values


def test_versions_and_filled_blanks_round_trip(
    contract_app: ContractApp, customer_directory: FakeCustomerDirectory
) -> None:
    app = contract_app
    customer_directory.known.add(f"customers/{CUSTOMER_ID}")
    blanks = [
        Blank("delivery_date", "交货日期", BlankType.DATE, required=True),
        Blank("price", "货款", BlankType.MONEY, required=True),
    ]
    v1 = contracts.create_template(
        app.uow(), app.deps, SALES, "模板", ContractKind.PRODUCT_SALE, ["{{delivery_date}}"], blanks
    )
    v2 = contracts.create_template(
        app.uow(),
        app.deps,
        SALES,
        "模板",
        ContractKind.PRODUCT_SALE,
        ["交货：{{delivery_date}}，货款{{price}}"],
        blanks,
        template_id=v1.id,
    )
    assert (v1.version, v2.version) == (1, 2)
    assert contracts.get_template(app.uow(), v1.id, 1).clauses == ["{{delivery_date}}"]
    filled = {
        "delivery_date": BlankValue(BlankType.DATE, date(2026, 12, 31)),
        "price": BlankValue(BlankType.MONEY, Decimal("10000.50")),
    }
    made = contracts.create_contract(
        app.uow(), app.deps, SALES, values(template_id=v1.id, blanks=filled)
    )
    got = contracts.get_contract(app.uow(), made.id)
    assert got.template_id == v1.id and got.template_version == 2
    assert got.blanks == filled
    assert got.rendered_text == "交货：2026年12月31日，货款人民币10,000.50元"
    assert got.rendered_text_masked == "交货：2026年12月31日，货款****"
