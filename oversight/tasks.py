"""Background work of 考核监督, run by django-tasks-db's db_worker."""

from django.tasks import task

from . import services


@task
def warn_stale_columns():
    """Warn departments whose columns go stale within 3 days (once per column and due date)."""
    return services.warn_stale_columns()
