"""Background workers: the Celery tasks that run jobs by id, and the scheduler's loop."""
