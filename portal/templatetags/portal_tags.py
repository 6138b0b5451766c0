from django import template
from django.http import QueryDict

from portal import chrome, masking
from portal.addresses import pk_url

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    """The page header (portal.chrome): rendered once per worker and content version."""
    return chrome.header(context.get("request"))


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The page footer (portal.chrome): rendered once per worker and content version."""
    return chrome.footer(context.get("request"))


@register.simple_tag
def site_head_assets():
    """The head's favicon, stylesheet and scripts (portal.chrome)."""
    return chrome.head_assets()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*parts):
    """Render 当前位置 from alternating label, url arguments (empty url: current page)."""
    crumbs = list(zip(parts[::2], parts[1::2], strict=False))
    return {"crumbs": crumbs}


register.filter("mask_name", masking.mask_name)
register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_address", masking.mask_address)


@register.filter
def query_fields(query_string):
    """Return a query string's (name, value) pairs but the page: a form's hidden inputs."""
    pairs = QueryDict(query_string or "").lists()
    return [(name, value) for name, values in pairs if name != "page" for value in values]


@register.filter
def url_of(pk, name):
    """{{ row.pk|url_of:"disclosure:item-detail" }}: {% url name pk %} at a fraction of the cost
    (portal.addresses), for the rows of list pages."""
    return pk_url(name, pk)


@register.filter(expects_localtime=True)
def day(moment):
    """Return a moment's local date as 2026-12-08 (what |date:"Y-m-d" gives, a tenth the cost)."""
    if not moment:
        return ""
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
