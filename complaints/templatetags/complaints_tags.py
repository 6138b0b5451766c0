"""Blocks of 政民互动 that other pages show: this month's figures and the latest replies.

The home page must not query the database on every view, so both blocks are cached; a change of
any message clears them (the receiver in complaints/models.py).
"""

from django import template
from django.core.cache import cache
from django.utils import timezone

from complaints.models import HOME_CACHE_KEYS, Message, month_bounds

register = template.Library()
CACHE_SECONDS = 300


@register.inclusion_tag("complaints/_message_figures.html")
def message_figures():
    """Render this month's received / replied / reply rate / replied within 24 h."""
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
    key = f"{HOME_CACHE_KEYS['latest']}:{count}"
    replies = cache.get(key)
    if replies is None:
        replies = list(Message.objects.public().for_public_list()[:count])
        cache.set(key, replies, CACHE_SECONDS)
    return {"replies": replies}


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
