"""The alert workers' edges: the gRPC servicer and the Celery tasks."""
