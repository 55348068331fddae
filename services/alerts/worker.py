"""Celery entry point: `celery -A services.alerts.worker worker -Q alerts` (and `beat`)."""

from services.alerts.bootstrap import bootstrap
from services.alerts.config import AlertSettings
from services.alerts.entrypoints.tasks import make_worker
from services.common.config import load_settings
from services.common.logging import configure_logging

settings = load_settings(AlertSettings)
configure_logging(settings.log_level, "alerts-worker")
app = make_worker(bootstrap(settings))
