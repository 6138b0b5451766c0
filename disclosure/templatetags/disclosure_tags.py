"""Catalog blocks that other pages (the homepage) show."""

from django import template
from django.db.models import Prefetch

from disclosure.models import Category, Item, ItemAttachment
from portal.pagecache import column_scope, depends_on

register = template.Library()

IMAGE_FILES = ItemAttachment.objects.filter(file__iregex=r"\.(jpe?g|png)$").order_by("order", "id")


@register.inclusion_tag("disclosure/_latest_items.html")
def latest_items(slug, count=8, title=None):
    """The newest public items of a column (and its sub-columns), with a 更多 link."""
    column = Category.objects.public_by_slug().get(slug)
    if column:
        depends_on(column_scope(column.pk))
    items = Item.objects.public().in_category(column).list_rows().latest()[:count] if column else []
    return {"column": column, "items": items, "title": title or (column.name if column else "")}


@register.inclusion_tag("disclosure/_headlines.html")
def headlines(count=6):
    """要闻: the newest 政务动态, the first ones that have a photo shown with it."""
    column = Category.objects.public_by_slug().get("zwdt")
    if column:
        depends_on(column_scope(column.pk))
    items = (
        list(
            Item.objects.public()
            .filter(category=column)
            .for_list()
            .latest()
            .prefetch_related(Prefetch("attachments", queryset=IMAGE_FILES, to_attr="images"))[
                :count
            ]
        )
        if column
        else []
    )
    featured = next((item for item in items if item.images), None)
    return {
        "column": column,
        "featured": featured,
        "items": [item for item in items if item is not featured][: count - 1],
    }


@register.inclusion_tag("disclosure/_campaigns.html")
def campaigns():
    """专题: the campaign columns under 宣传活动."""
    columns = Category.objects.public_by_slug().values()
    return {"campaigns": [c for c in columns if c.parent and c.parent.slug == "xchd"]}


@register.inclusion_tag("disclosure/_column_tree.html")
def column_tree():
    """The catalog's visible columns as a nested list (for the site map)."""
    return {"roots": Category.objects.visible().roots().prefetch_related("children")}


@register.filter
def validity_label(value):
    """Return the label of an item's validity (有效, 已修改, 已废止, …) for a list row."""
    return Item.Validity(value).label if value in Item.Validity.values else ""
