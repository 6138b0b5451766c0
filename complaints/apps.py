from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "政民互动"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import content_safety, search

        from .models import Consultation, ConsultationComment, EvaluationResponse, Message
        from .models.message import PUBLIC_TEXT_FIELDS

        # Replies are checked when recorded, the public text before approval; scan_content
        # rescans every published message.
        content_safety.register(
            Message, fields=PUBLIC_TEXT_FIELDS, published=lambda messages: messages.public()
        )

        # Published messages (留言选登) join the site search with their reviewed public text only:
        # the sender's own words and name never reach the index.
        search.register(
            Message,
            public_rows=lambda: Message.objects.public().select_related("category", "department"),
            document=message_document,
        )
        # Published drafts for comment are found by their title and text like any document.
        search.register(
            Consultation,
            public_rows=lambda: Consultation.objects.public().select_related("department"),
            document=consultation_document,
        )
        # scan_content also reads what citizens wrote and reviewers published.
        content_safety.register(
            ConsultationComment, fields=["public_body"], published=lambda rows: rows.public()
        )
        content_safety.register(
            EvaluationResponse,
            fields=["public_comment"],
            published=lambda rows: rows.public_comments(),
        )


def message_document(message):
    """How a published message reads in the site search index."""
    return {
        "kind": "政民互动",
        "title": message.public_subject,
        "url": message.get_absolute_url(),
        "text": f"{message.public_body} 答复：{message.public_reply}",
        "published_at": message.published_at,
        "department_id": message.department_id,
        "column": "留言选登",
        "extra": f"{message.tracking_number} {message.category.name if message.category else ''}",
    }


def consultation_document(consultation):
    """How a published consultation reads in the site search index."""
    return {
        "kind": "政民互动",
        "title": consultation.title,
        "url": consultation.get_absolute_url(),
        "text": f"{consultation.explanation} {consultation.draft}",
        "published_at": consultation.published_at,
        "department_id": consultation.department_id,
        "column": "征求意见",
        "extra": "征求意见",
    }
