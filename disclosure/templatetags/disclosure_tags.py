"""Catalog blocks that other pages (the homepage) show."""

from django import template
from django.db.models import Prefetch
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from disclosure.models import Category, Item, ItemAttachment
from portal.addresses import pk_url
from portal.models import Department
from portal.pagecache import column_scope, depends_on, per_version
from portal.templatetags.portal_tags import day

register = template.Library()

IMAGE_FILES = ItemAttachment.objects.filter(file__iregex=r"\.(jpe?g|png)$").order_by("order", "id")


@register.inclusion_tag("disclosure/_latest_items.html")
def latest_items(slug, count=8, title=None):
    """The newest public items of a column (and its sub-columns), with a 更多 link."""
    column = Category.objects.public_by_slug().get(slug)
    if column:
        depends_on(column_scope(column.pk))
    items = Item.public_rows().in_category(column)[:count] if column else []
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


ITEM_ROW = (
    '<tr><td class="col-title"><a href="{}">{}</a>{}</td>'
    '<td class="col-docno" data-label="文号">{}</td>'
    '<td class="col-dept" data-label="发布机构">{}</td>'
    '<td class="col-date" data-label="发布日期"><time datetime="{}">{}</time></td></tr>'
)


@register.simple_tag
def item_rows(rows):
    """Return the table rows of a column page's items (ItemQuerySet.list_rows() dicts).

    Built as Django's admin builds its change list rows (format_html, every value escaped): one
    call for the page instead of eight template lookups a row, which were a third of an uncached
    column page's time.
    """
    departments = Department.objects.by_id()
    return format_html_join("\n", ITEM_ROW, (_item_row(row, departments) for row in rows))


def _item_row(row, departments):
    validity = row["validity"]
    badge = ""
    if validity != Item.Validity.VALID:
        badge = format_html(
            ' <span class="badge badge-{}">{}</span>', validity, validity_label(validity)
        )
    moment = row["published_at"]
    date = day(timezone.localtime(moment)) if moment else ""
    return (
        pk_url("disclosure:item-detail", row["pk"]),
        row["title"],
        badge,
        row["document_number"] or "—",
        getattr(departments.get(row["department_id"]), "name", ""),
        date,
        date,
    )


@register.simple_tag(takes_context=True)
def column_head(context):
    """Return a column page's head (title, sub-columns, 公开标准, filter form: the partial
    column-head of disclosure/item_list.html).

    Unfiltered, it is the same for every reader until a column, a department or the year
    changes (the year's choices), so each worker renders it once per content version and year;
    with a reader's own filters (bound form, its errors) it is rendered for them.
    """
    values = {key: context[key] for key in ("column", "children", "filter")}
    template = get_template("disclosure/item_list.html#column-head")
    if context.get("filtering"):  # not filter.is_bound: that would build the lazy filter set
        return template.render(values)
    column = values["column"]
    key = ("disclosure:column-head", column.pk, timezone.localdate().year)
    return per_version(key, lambda: template.render(values))
