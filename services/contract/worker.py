"""Celery entry point: `celery -A services.contract.worker worker -Q contract` (and `beat`)."""

from services.common.config import load_settings
from services.common.logging import configure_logging
from services.contract.bootstrap import bootstrap
from services.contract.config import ContractSettings
from services.contract.entrypoints.tasks import make_worker

settings = load_settings(ContractSettings)
configure_logging(settings.log_level, "contract-worker")
app = make_worker(bootstrap(settings))
