from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = "办事服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
