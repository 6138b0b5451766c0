from django import template
from django.http import QueryDict

from portal import masking

register = template.Library()


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
