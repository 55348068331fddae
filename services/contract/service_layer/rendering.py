"""Use cases that render a contract (合同文本) or its approval sheet (审批单) as DOCX or PDF."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import Principal
from services.common.errors import InvalidArgument
from services.common.privacy import mask_name
from services.contract.adapters import rendering as layout
from services.contract.adapters.uow import ContractUnitOfWork
from services.contract.domain import model
from services.contract.domain.rendering import (
    RenderedContent,
    RenderFormat,
    Viewer,
    approval_sheet_content,
    contract_content,
)
from services.contract.service_layer.contracts import Deps

EXTENSIONS = {RenderFormat.DOCX: "docx", RenderFormat.PDF: "pdf"}


@dataclass(frozen=True)
class RenderedFile:
    filename: str
    content_type: str
    content: bytes


def _customer_name(deps: Deps, contract: model.Contract, who: Principal) -> str:
    """The customer's name as the reader may see it; its resource name when unknown."""
    found = deps.customers.describe(contract.customer)
    if found is None or not found.full_name:
        return contract.customer
    if found.individual and not who.sees_pii:
        return mask_name(found.full_name)
    return found.full_name


def _check_format(fmt: RenderFormat) -> None:
    if fmt is RenderFormat.UNSPECIFIED:
        raise InvalidArgument.of("format", "required: FORMAT_DOCX or FORMAT_PDF")


def _file(content: RenderedContent, fmt: RenderFormat, stem: str) -> RenderedFile:
    data, content_type = layout.render(content, fmt)
    return RenderedFile(f"{stem}.{EXTENSIONS[fmt]}", content_type, data)


def render_contract(
    uow: ContractUnitOfWork, deps: Deps, who: Principal, contract_id: str, fmt: RenderFormat
) -> RenderedFile:
    _check_format(fmt)
    with uow:
        contract = uow.contracts.get(contract_id)
    viewer = Viewer(who.sees_amounts, deps.timezone)
    # The customer's name is a remote call: outside any transaction.
    name = _customer_name(deps, contract, who)
    content = contract_content(contract, name, deps.company_name, viewer)
    return _file(content, fmt, contract.number)


def render_approval_sheet(
    uow: ContractUnitOfWork, deps: Deps, who: Principal, contract_id: str, fmt: RenderFormat
) -> RenderedFile:
    _check_format(fmt)
    with uow:
        contract = uow.contracts.get(contract_id)
    viewer = Viewer(who.sees_amounts, deps.timezone)
    # Checked before the remote call: a never submitted contract has no sheet.
    approval_sheet_content(contract, contract.customer, viewer)
    content = approval_sheet_content(contract, _customer_name(deps, contract, who), viewer)
    return _file(content, fmt, f"{contract.number}-审批单")
