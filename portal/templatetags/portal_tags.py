from django import template

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
