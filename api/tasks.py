"""Background work of 开放数据 (django.tasks), run by django-tasks-db's db_worker."""

from django.tasks import task

from . import opendata


@task
def build_open_data():
    """Rebuild every bulk download (CSV and JSON Lines); cron queues it daily."""
    return opendata.build_all()
