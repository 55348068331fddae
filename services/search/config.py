"""The search service's settings: the common ones plus the engine, the contract service and
who sees every department."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from services.common.config import ServiceSettings


class SearchSettings(ServiceSettings):
    service_name: str = "search"
    grpc_port: int = Field(50054, ge=0, le=65535)
    # Where ContractService answers GetContract/ListContracts for the indexer.
    contract_address: str = "127.0.0.1:50052"
    # Where CustomerService answers GetCustomer: company names make parties searchable.
    # Empty: contracts are indexed without their customer's name.
    customer_address: str = "127.0.0.1:50051"
    # Set: Elasticsearch at this URL (the production engine). Empty: an embedded tantivy
    # index under `index_dir`, or data_dir/search-index.
    elasticsearch_url: str = ""
    elasticsearch_alias: str = "contracts"
    index_dir: Path | None = None
    # Roles that see every department's contracts. Legal reviews contracts company-wide;
    # any other role allowed to search sees only its own department's.
    all_departments_roles: list[str] = Field(default_factory=lambda: ["admin", "service", "legal"])
    # Archived contracts stay searchable (state ARCHIVED) unless this is false; then the
    # indexer removes them.
    index_archived: bool = True
    # How often the server asks the engine whether it can answer (its gRPC health and
    # whether searches are refused follow the answer).
    engine_probe_seconds: float = Field(5.0, gt=0)

    def index_directory(self) -> Path:
        return self.index_dir or self.data_dir / "search-index"
