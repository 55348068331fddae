"""A contract source reading JSON files instead of the contract service: for demos and for
tests that run the real worker process against a controlled set of contracts. Each file
`<dir>/<contract id>.json` holds one contract in ContractService's JSON form (protobuf
JSON of callops.contract.v1.Contract); a missing file is a contract that does not exist."""

from __future__ import annotations

from pathlib import Path

from google.protobuf import json_format

from callops.contract.v1 import contract_pb2 as pb
from services.alerts.adapters.contract_client import to_snapshot
from services.alerts.domain.watched import ContractSnapshot
from services.common.errors import Unavailable


class ContractFileSource:
    def __init__(self, directory: Path) -> None:
        self._dir = directory

    def get(self, name: str) -> ContractSnapshot | None:
        contract_id = name.removeprefix("contracts/")
        if not contract_id or "/" in contract_id or contract_id.startswith("."):
            return None
        path = self._dir / f"{contract_id}.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise Unavailable(
                f"cannot read {path}: {exc}", reason="CONTRACT_FILES_UNAVAILABLE"
            ) from None
        return to_snapshot(json_format.Parse(text, pb.Contract()))


def write_contract(directory: Path, contract: pb.Contract) -> None:
    """Replaces a contract's file atomically: a reader sees the old or the new version."""
    path = directory / f"{contract.name.removeprefix('contracts/')}.json"
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json_format.MessageToJson(contract, indent=None), encoding="utf-8")
    scratch.replace(path)
