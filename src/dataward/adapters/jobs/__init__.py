"""The message broker background jobs go through (Celery over RabbitMQ), and what counts as a
passing fault when a job runs."""
