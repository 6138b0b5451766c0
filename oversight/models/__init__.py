"""考核监督 models, one module per concern; every model is re-exported here."""

from .accountability import *  # noqa: F403
from .accountability import __all__ as _accountability_all
from .inspection import *  # noqa: F403
from .inspection import __all__ as _inspection_all
from .website_report import *  # noqa: F403
from .website_report import __all__ as _website_report_all

__all__ = [*_accountability_all, *_inspection_all, *_website_report_all]
