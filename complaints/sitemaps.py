"""Sitemap sections of 政民互动 (portal.sitemaps pages them by id range)."""

from complaints.models import Consultation, EvaluationRound, Message
from portal.sitemaps import ModelSitemap, SectionSitemap


class InteractionPageSitemap(SectionSitemap):
    """政民互动's own pages: letters, their lookup and list, statistics, 征求意见, 网上评议."""

    key = "interaction"
    title = "政民互动"
    url_name = "complaints:index"
    changefreq = "daily"
    pages = [
        ("complaints:index", "政民互动"),
        ("complaints:message-create", "我要写信"),
        ("complaints:message-lookup", "留言查询"),
        ("complaints:message-list", "留言选登"),
        ("complaints:statistics", "答复情况统计"),
        ("complaints:consultation-list", "征求意见"),
        ("complaints:evaluation-list", "网上评议"),
    ]


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
