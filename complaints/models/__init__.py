"""政民互动 models: messages with their events and numbering, categories, complaint agencies,
consultations on drafts (征求意见) and public evaluation rounds (网上评议).

Everything is re-exported here: import from `complaints.models`.
"""

from portal.querycodes import new_query_code

from .agency import ComplaintAgency, ComplaintAgencyQuerySet
from .category import MessageCategory
from .consultation import (
    MIN_PERIOD_DAYS,
    Consultation,
    ConsultationArticle,
    ConsultationComment,
    ConsultationCommentQuerySet,
    ConsultationEvent,
    ConsultationFile,
    ConsultationQuerySet,
    default_closes_on,
    split_articles,
)
from .evaluation import (
    ASPECTS,
    SCORE_LABELS,
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationResponseEvent,
    EvaluationRound,
    EvaluationRoundQuerySet,
    EvaluationSubject,
    hash_evaluation_phone,
)
from .message import (
    HOME_CACHE_KEYS,
    Message,
    MessageAttachment,
    MessageCounter,
    MessageEvent,
    MessageEventQuerySet,
    MessageQuerySet,
    find_placeholders,
    hash_query_code,
    placeholder_error,
    reminder_time,
    reply_deadline,
    reply_time_limit,
    validate_no_placeholders,
)
from .reply_template import ReplyTemplate, ReplyTemplateQuerySet

__all__ = [
    "ASPECTS",
    "MIN_PERIOD_DAYS",
    "SCORE_LABELS",
    "Consultation",
    "ConsultationArticle",
    "ConsultationComment",
    "ConsultationCommentQuerySet",
    "ConsultationEvent",
    "ConsultationFile",
    "ConsultationQuerySet",
    "EvaluationAnswer",
    "EvaluationResponse",
    "EvaluationResponseEvent",
    "EvaluationRound",
    "EvaluationRoundQuerySet",
    "EvaluationSubject",
    "default_closes_on",
    "hash_evaluation_phone",
    "split_articles",
    "HOME_CACHE_KEYS",
    "ComplaintAgency",
    "ComplaintAgencyQuerySet",
    "Message",
    "MessageAttachment",
    "MessageCategory",
    "MessageCounter",
    "MessageEvent",
    "MessageEventQuerySet",
    "MessageQuerySet",
    "ReplyTemplate",
    "ReplyTemplateQuerySet",
    "find_placeholders",
    "hash_query_code",
    "placeholder_error",
    "new_query_code",
    "reminder_time",
    "reply_deadline",
    "reply_time_limit",
    "validate_no_placeholders",
]
