"""The search service's edges: the gRPC servicer, its converters and the Celery tasks."""
