"""`python -m services.customer serve|migrate`: run the customer service or migrate its database."""

from services.common.cli import service_cli
from services.customer.bootstrap import MIGRATIONS, registration
from services.customer.config import CustomerSettings

cli = service_cli("customer", CustomerSettings, registration, MIGRATIONS, __doc__)

if __name__ == "__main__":
    cli()
