"""The one five-level satisfaction scale of 政务服务“好差评” (国办发〔2019〕51号).

Service ratings (services: a 办件, a guide, the kiosk) and 政民互动 reply ratings (complaints) use
these choices; 好评 are the three upper levels, 差评 the two lower ones.
"""

from django.db import models
from django.db.models import Q


class Rating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    FAIR = "fair", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    VERY_UNSATISFIED = "very_unsatisfied", "非常不满意"


GOOD = frozenset({Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.FAIR})
BAD = frozenset({Rating.UNSATISFIED, Rating.VERY_UNSATISFIED})


def is_bad(level):
    """Whether a rating is a 差评 (不满意 or 非常不满意)."""
    return level in BAD


def good_q(field="level"):
    """The filter of 好评 on a rating field, for counts."""
    return Q(**{f"{field}__in": list(GOOD)})


def bad_q(field="level"):
    """The filter of 差评 on a rating field, for counts."""
    return Q(**{f"{field}__in": list(BAD)})
