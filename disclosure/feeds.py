from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from disclosure.models import Category, Item
from portal.models import SiteSettings
from portal.pagecache import CATALOG, column_scope, depends_on


class LatestItemsFeed(Feed):
    """RSS of the newest published items, for the whole catalog or one column."""

    def get_object(self, request, slug=None):
        return get_object_or_404(Category.objects.visible(), slug=slug) if slug else None

    def title(self, category):
        site = SiteSettings.load()
        return f"{site.site_name} · {category.name if category else '政务公开'}"

    def link(self, category):
        return category.get_absolute_url() if category else reverse("disclosure:index")

    def description(self, category):
        return "最新发布的政府信息"

    def items(self, category):
        depends_on(column_scope(category.pk) if category else CATALOG)
        items = Item.objects.public().for_list().latest()
        if category:
            items = items.in_category(category)
        return items[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [f"索引号：{item.index_number}", f"发布机构：{item.department.name}"]
        if item.document_number:
            parts.append(f"文号：{item.document_number}")
        return "；".join(parts)

    def item_pubdate(self, item):
        return item.published_at

    def item_categories(self, item):
        return [item.category.name]
