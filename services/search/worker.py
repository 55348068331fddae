"""Celery entry point: `celery -A services.search.worker worker -Q search` (and `beat`).

With the embedded tantivy engine one process writes at a time (tantivy's lock): run the
worker with `--concurrency 1`; a busy lock fails the task, and Celery retries it.
"""

from services.common.config import load_settings
from services.common.logging import configure_logging
from services.search.bootstrap import bootstrap
from services.search.config import SearchSettings
from services.search.entrypoints.tasks import make_worker

settings = load_settings(SearchSettings)
configure_logging(settings.log_level, "search-worker")
app = make_worker(bootstrap(settings))
