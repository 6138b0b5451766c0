"""WSGI entry point, served by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Load the segmentation dictionary now, not in the first search a worker answers (a second).
from portal import search  # noqa: E402

search.words("土地")
