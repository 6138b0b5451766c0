"""Blocks of 政民互动 that other pages show: this month's figures and the latest replies.

The home page must not query the database on every view, so both blocks are cached; a change of
any message clears them (the receiver in complaints/models.py).
"""

from django import template
from django.core.cache import cache
from django.utils import timezone

from complaints.models import HOME_CACHE_KEYS, Consultation, Message, reply_time_limit
from portal.figures import month_bounds

register = template.Library()
# The reply time the pages promise ("24小时", "1个工作日"), read from the rule in force.
register.simple_tag(reply_time_limit)
CACHE_SECONDS = 300
LATEST_CACHED = 20  # the block shows at most this many replies


@register.inclusion_tag("complaints/_message_figures.html")
def message_figures():
    """Render this month's received / replied / reply rate / replied within the time limit."""
    start, end = month_bounds(timezone.localdate())
    key = f"{HOME_CACHE_KEYS['figures']}:{start:%Y-%m}"
    figures = cache.get(key)
    if figures is None:
        figures = Message.objects.received_in(start, end).figures()
        cache.set(key, figures, CACHE_SECONDS)
    return {"figures": figures, "month": start}


@register.inclusion_tag("complaints/_latest_replies.html")
def latest_replies(count=5):
    """Render the newest published replies."""
    replies = cache.get(HOME_CACHE_KEYS["latest"])
    if replies is None:
        replies = list(Message.objects.public().latest_replies()[:LATEST_CACHED])
        cache.set(HOME_CACHE_KEYS["latest"], replies, CACHE_SECONDS)
    return {"replies": replies[:count]}


@register.filter
def hours(duration):
    """Return a duration as hours with one decimal ("—" when there is none)."""
    if duration is None:
        return "—"
    return f"{duration.total_seconds() / 3600:.1f}"


@register.filter
def rate(value):
    """Return a percentage for display ("—" when it cannot be computed)."""
    return "—" if value is None else f"{value:g}%"


@register.inclusion_tag("complaints/_item_consultations.html")
def consultations_for_item(item):
    """Render the consultations whose final document is this catalog item.

    Few items are final documents, and every item page asks: the map of item → consultations is
    remembered by each worker under the content version, which a consultation's change moves on.
    """
    from portal.pagecache import per_version

    def read():
        by_item = {}
        for consultation in Consultation.objects.public().filter(final_item__isnull=False):
            by_item.setdefault(consultation.final_item_id, []).append(consultation)
        return by_item

    by_item = per_version("complaints:consultations-by-final-item", read)
    return {"consultations": by_item.get(item.pk, [])}
