"""政务公开 models, one module per concern; every model is re-exported here."""

from .annual_report import *  # noqa: F403
from .annual_report import __all__ as _annual_report_all
from .catalog import *  # noqa: F403
from .catalog import __all__ as _catalog_all
from .letters import *  # noqa: F403
from .letters import __all__ as _letters_all
from .requests import *  # noqa: F403
from .requests import __all__ as _requests_all
from .validators import *  # noqa: F403
from .validators import __all__ as _validators_all

__all__ = [
    *_catalog_all,
    *_requests_all,
    *_letters_all,
    *_annual_report_all,
    *_validators_all,
]
