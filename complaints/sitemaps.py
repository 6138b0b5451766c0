"""Sitemap sections of 政民互动 (portal.sitemaps pages them by id range)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from complaints.models import Consultation, EvaluationRound, Message
from portal.sitemaps import ModelSitemap


class InteractionPageSitemap(Sitemap):
    """政民互动's own pages: landing, letter form and lookup, lists and statistics."""

    changefreq = "daily"
    url_names = [
        "complaints:index",
        "complaints:message-create",
        "complaints:message-lookup",
        "complaints:message-list",
        "complaints:statistics",
        "complaints:consultation-list",
        "complaints:evaluation-list",
    ]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


class MessageSitemap(ModelSitemap):
    """留言选登: the messages published with their reply."""

    lastmod_field = "published_at"

    def items(self):
        return Message.objects.public().only("pk", "tracking_number", "published_at")


class ConsultationSitemap(ModelSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return Consultation.objects.public().only("pk", "updated_at")


class EvaluationSitemap(ModelSitemap):
    def items(self):
        return EvaluationRound.objects.public().only("pk")


class EvaluationResultsSitemap(ModelSitemap):
    """网上评议 results, public once a round has closed."""

    def items(self):
        return EvaluationRound.objects.closed().only("pk")

    def location(self, item):
        return item.get_results_url()
