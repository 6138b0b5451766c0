"""Orchestration of 政民互动 with the outside world: submissions from citizens, reminder mail."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import staff_notices
from portal.masking import mask_phone
from portal.models import CitizenNotice
from portal.notify import notify_citizen

from .models import (
    ASPECTS,
    Consultation,
    ConsultationComment,
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationRound,
    Message,
    MessageAttachment,
    MessageCounter,
    MessageEvent,
    hash_evaluation_phone,
    hash_query_code,
    new_query_code,
)


@dataclass(frozen=True)
class Submission:
    """A stored message and its 查询码 in clear, which exists only until the sender has seen it."""

    message: Message
    query_code: str


@transaction.atomic
def submit_message(*, data: dict, ip: str | None, now: datetime | None = None) -> Submission:
    """Accept a citizen's message: number it, set its deadline, route it, log it, notify."""
    now = now or timezone.now()
    category = data["category"]
    query_code = new_query_code()
    message = Message(
        kind=data["kind"],
        category=category,
        department_id=category.department_id,
        subject=data["subject"],
        body=data["body"],
        sender_name=data["sender_name"],
        sender_phone=data["sender_phone"],
        sender_email=data.get("sender_email", ""),
        has_publication_consent=bool(data.get("has_publication_consent")),
        sender_ip=ip or None,
        received_at=now,
        tracking_number=MessageCounter.next_tracking_number(now),
        query_code_hash=hash_query_code(query_code),
    )
    message.start_clock(now)
    message.save()
    message.events.bulk_create(
        [
            MessageEvent(message=message, kind=MessageEvent.Kind.RECEIVED, at=now),
            MessageEvent(
                message=message,
                kind=MessageEvent.Kind.ROUTED,
                at=now,
                note=f"按类别“{category}”分送{category.department}",
            ),
        ]
    )
    for upload in data.get("attachments") or []:  # checked by the form (CitizenFilesField)
        MessageAttachment.objects.create(message=message, file=upload)
    notify_citizen(message, CitizenNotice.Kind.RECEIVED)
    return Submission(message=message, query_code=query_code)


def send_due_reminders(*, now: datetime | None = None) -> dict:
    """Remind departments at 75 % of the time and escalate at the deadline, once each, then mail
    every reminder still undelivered (portal.staff_notices: never counted sent unless it went).

    Idempotent: each message is stamped (reminded_at, escalated_at) by a conditional update, so
    a second run, or a second worker running at the same time, stamps nothing again; a reminder
    whose mail did not go out (no address, no recipient, SMTP error) is tried again each run.
    """
    now = now or timezone.now()
    reminded = escalated = 0
    for message in Message.objects.due_for_reminder(now=now).select_related("department"):
        with transaction.atomic():
            if message.mark_reminded(now=now):  # the staff notices come with the event
                reminded += 1
    for message in Message.objects.due_for_escalation(now=now).select_related("department"):
        with transaction.atomic():
            if message.mark_escalated(now=now):
                escalated += 1
                notify_citizen(message, CitizenNotice.Kind.OVERDUE)
    mail = staff_notices.deliver_due_reminders(Message)
    return {"reminded": reminded, "escalated": escalated, "mail": mail}


@transaction.atomic
def submit_comment(
    *, consultation: Consultation, data: dict, ip: str | None, now: datetime | None = None
) -> ConsultationComment:
    """Accept a comment on a draft while it is open; it waits for review before it is public."""
    now = now or timezone.now()
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.is_open(today=timezone.localdate(now)):
        raise ValidationError("本次征求意见不在意见征集期内，不能提交意见", code="not_open")
    article = data.get("article")
    if article is not None and article.consultation_id != consultation.pk:
        raise ValidationError("所选条文不属于本草案", code="wrong_article")
    return ConsultationComment.objects.create(
        consultation=consultation,
        article=article,
        body=data["body"],
        sender_name=data["sender_name"],
        sender_phone=data["sender_phone"],
        sender_ip=ip or None,
        submitted_at=now,
    )


def submit_evaluation(
    *, round: EvaluationRound, data: dict, ip: str | None, now: datetime | None = None
) -> EvaluationResponse:
    """Accept a questionnaire: one per phone per round (the unique hash decides under races).

    data["answers"] maps each rated EvaluationSubject to {aspect: score}.
    """
    now = now or timezone.now()
    if not round.is_open(today=timezone.localdate(now)):
        raise ValidationError("本次评议不在评议期内，不能提交", code="not_open")
    comment = data.get("comment", "").strip()
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                round=round,
                phone_hash=hash_evaluation_phone(data["phone"]),
                masked_phone=mask_phone(data["phone"]),
                comment=comment,
                comment_status=(
                    EvaluationResponse.CommentStatus.PENDING
                    if comment
                    else EvaluationResponse.CommentStatus.NONE
                ),
                submitted_at=now,
                sender_ip=ip or None,
            )
            EvaluationAnswer.objects.bulk_create(
                EvaluationAnswer(
                    response=response,
                    subject=subject,
                    **{name: scores[name] for name, _, _ in ASPECTS},
                )
                for subject, scores in data["answers"].items()
            )
    except IntegrityError as exc:
        raise ValidationError(
            "该手机号码已参加过本次评议，每个手机号码只能提交一次", code="already_answered"
        ) from exc
    return response
