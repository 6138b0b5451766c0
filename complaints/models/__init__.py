"""政民互动 models: messages with their events and numbering, categories, complaint agencies.

Everything is re-exported here: import from `complaints.models`.
"""

from .agency import ComplaintAgency, ComplaintAgencyQuerySet
from .category import MessageCategory
from .figures import month_bounds, percent, recent_months, with_rates
from .message import (
    HOME_CACHE_KEYS,
    Message,
    MessageCounter,
    MessageEvent,
    MessageEventQuerySet,
    MessageQuerySet,
    hash_query_code,
    new_query_code,
    reminder_time,
    reply_deadline,
)

__all__ = [
    "HOME_CACHE_KEYS",
    "ComplaintAgency",
    "ComplaintAgencyQuerySet",
    "Message",
    "MessageCategory",
    "MessageCounter",
    "MessageEvent",
    "MessageEventQuerySet",
    "MessageQuerySet",
    "hash_query_code",
    "month_bounds",
    "new_query_code",
    "percent",
    "recent_months",
    "reminder_time",
    "reply_deadline",
    "with_rates",
]
