"""政务公开 models, one module per concern; every model is re-exported here."""

from .catalog import *  # noqa: F403
from .catalog import __all__ as _catalog_all
from .requests import *  # noqa: F403
from .requests import __all__ as _requests_all

__all__ = [*_catalog_all, *_requests_all]
