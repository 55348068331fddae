"""Celery entry point: `celery -A services.callcenter.worker worker -Q callcenter` (and `beat`)."""

from services.callcenter.bootstrap import bootstrap
from services.callcenter.config import CallCenterSettings
from services.callcenter.entrypoints.tasks import make_worker
from services.common.config import load_settings
from services.common.logging import configure_logging

settings = load_settings(CallCenterSettings)
configure_logging(settings.log_level, "callcenter-worker")
app = make_worker(bootstrap(settings))
