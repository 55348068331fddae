"""`python -m services.contract serve|migrate`: run the contract service or migrate its database."""

from services.common.cli import service_cli
from services.contract.bootstrap import MIGRATIONS, registration
from services.contract.config import ContractSettings

cli = service_cli("contract", ContractSettings, registration, MIGRATIONS, __doc__)

if __name__ == "__main__":
    cli()
