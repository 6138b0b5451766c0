"""Load the demo bureau: each app's `demo.load()`, in the order of INSTALLED_APPS."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule


class Command(BaseCommand):
    help = "载入演示数据（可重复运行，不会重复创建）"

    def handle(self, *args, **options):
        for app_config in apps.get_app_configs():
            if not module_has_submodule(app_config.module, "demo"):
                continue
            module = import_module(f"{app_config.name}.demo")
            self.stdout.write(f"[{app_config.verbose_name}]")
            with transaction.atomic():
                module.load(stdout=self.stdout)
