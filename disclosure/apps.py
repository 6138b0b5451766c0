from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政务公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import content_safety, search

        from . import signals  # noqa: F401
        from .models import Item

        # Scanned before submission and approval, and by manage.py scan_content.
        content_safety.register(
            Item,
            fields=["title", "summary", "keywords", "document_number", "source", "body"],
            html_fields=["body"],
            published=lambda items: items.published(),
        )
        # Public items join the site search; saving or withdrawing one updates the index.
        search.register(
            Item,
            public_rows=lambda: Item.objects.public().select_related("category", "department"),
            document=search_document,
        )


def search_document(item):
    """How an item reads in the site search index."""
    return {
        "kind": "政府信息",
        "title": item.title,
        "url": item.get_absolute_url(),
        "text": f"{item.summary} {item.body}",
        "published_at": item.published_at,
        "department_id": item.department_id,
        "column": item.category.name,
        "extra": f"{item.document_number} {item.keywords}",
    }
