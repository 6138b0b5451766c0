from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "考核监督"
    default_auto_field = "django.db.models.BigAutoField"
