"""Celery entry point: `celery -A services.customer.worker worker -Q customer` (and `beat`)."""

from services.common.config import load_settings
from services.common.logging import configure_logging
from services.customer.bootstrap import bootstrap
from services.customer.config import CustomerSettings
from services.customer.entrypoints.tasks import make_worker

settings = load_settings(CustomerSettings)
configure_logging(settings.log_level, "customer-worker")
app = make_worker(bootstrap(settings))
