"""`python -m services.callcenter serve|migrate`: run the call center or migrate its database."""

from services.callcenter.bootstrap import MIGRATIONS, registration
from services.callcenter.config import CallCenterSettings
from services.common.cli import service_cli

cli = service_cli("callcenter", CallCenterSettings, registration, MIGRATIONS, __doc__)

if __name__ == "__main__":
    cli()
