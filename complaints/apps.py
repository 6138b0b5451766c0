from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"
