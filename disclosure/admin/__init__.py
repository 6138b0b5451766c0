"""政务公开 back office, one module per concern."""

from . import catalog, requests  # noqa: F401
