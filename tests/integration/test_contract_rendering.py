"""Rendering stored contracts on real SQLite and PostgreSQL: what the store gives back is what
the documents say, and the customer's name falls back to its resource name when unknown."""

from __future__ import annotations

from services.common.auth import principal_for
from services.common.rights import DEFAULT_ROLE_RIGHTS
from services.contract.adapters.customer_client import CustomerSummary
from services.contract.bootstrap import ContractApp
from services.contract.domain.rendering import RenderFormat
from services.contract.service_layer import rendering
from tests.contract_fixtures import FakeCustomerDirectory
from tests.integration.test_contract_persistence import (
    CUSTOMER_ID,
    SALES,
    approved,
    create,
    known_customer,
)
from tests.unit.test_contract_rendering import docx_text, pdf_text

__all__ = ["known_customer"]  # the autouse fixture: every test here knows the customer
LEGAL = principal_for("fa.wu", ["legal"], "法务部", DEFAULT_ROLE_RIGHTS)


def test_a_stored_contract_renders_with_its_customer(
    contract_app: ContractApp, customer_directory: FakeCustomerDirectory
) -> None:
    app = contract_app
    c = create(app, payment_terms="预付30%")
    unnamed = rendering.render_contract(app.uow(), app.deps, SALES, c.id, RenderFormat.DOCX)
    assert f"customers/{CUSTOMER_ID}" in docx_text(unnamed.content)
    customer_directory.names[f"customers/{CUSTOMER_ID}"] = CustomerSummary("李小龙", True)
    named = rendering.render_contract(app.uow(), app.deps, LEGAL, c.id, RenderFormat.PDF)
    text = pdf_text(named.content)
    assert "李*龙" in text and "¥10,000.00" in text and "预付30%" in text
    assert named.filename == f"{c.number}.pdf" and named.content_type == "application/pdf"


def test_the_approval_sheet_of_a_stored_contract(contract_app: ContractApp) -> None:
    app = contract_app
    c = approved(app)
    sheet = rendering.render_approval_sheet(app.uow(), app.deps, SALES, c.id, RenderFormat.PDF)
    text = pdf_text(sheet.content)
    assert [s.display_name for s in c.approval.steps] == ["部门审核", "法务审核"]
    for step in c.approval.steps:
        assert step.display_name in text and step.decided_by.removeprefix("users/") in text
    assert "2026-11-23 09:30" in text  # decided at 01:30 UTC, shown in Shanghai time
