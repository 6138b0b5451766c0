#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read the models and migrations only: they never sign, hash or encrypt anything, so
# they run without DJANGO_SECRET_KEY or the PII keys (e.g. `manage.py makemigrations --check` in
# a hook). Every other command still refuses to start without keys when debug is off
# (portal/settings.py).
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", "unused-by-" + sys.argv[1] + "-" + "x" * 40)
        # Nor do they read personal data: placeholder keys (32 zero bytes) satisfy the settings.
        if not os.environ.get("PII_KEYS"):
            os.environ["PII_KEYS"] = "unused:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
            os.environ["PII_KEY_ID"] = "unused"
        os.environ.setdefault("PII_HASH_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
