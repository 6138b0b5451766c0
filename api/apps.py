from django.apps import AppConfig


class ApiConfig(AppConfig):
    """开放数据: the read-only JSON API under /api/v1/ and the daily bulk downloads."""

    name = "api"
    verbose_name = "开放数据"
    default_auto_field = "django.db.models.BigAutoField"
