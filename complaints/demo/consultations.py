"""Demo 征求意见: one closed with published feedback, one open with comments, one announced."""

from datetime import timedelta

from django.utils import timezone

from portal.demo import read_data
from portal.publishing import REVIEW_CHECKLIST

from ..models import Consultation, default_closes_on
from ..services import submit_comment

DATA = read_data(__file__, "consultations.toml")
CLOSED, OPEN, UPCOMING = (DATA["consultation"][key] for key in ("closed", "open", "upcoming"))


def paragraphs(lines):
    return "".join(f"<p>{line}</p>" for line in lines)


def load(*, departments, officer, reviewer, head, rng, now):
    """Create each demo consultation that does not exist yet; return how many were made."""
    today = timezone.localdate(now)
    made = 0
    if not Consultation.objects.filter(title=CLOSED["title"]).exists():
        closed_consultation(departments, officer, reviewer, head, rng, now)
        made += 1
    if not Consultation.objects.filter(title=OPEN["title"]).exists():
        open_consultation(departments, officer, reviewer, rng, now)
        made += 1
    if not Consultation.objects.filter(title=UPCOMING["title"]).exists():
        opens_on = today + timedelta(days=5)
        publish_consultation(
            UPCOMING,
            departments,
            opens_on=opens_on,
            closes_on=opens_on + timedelta(days=19),
            short_period_reason=UPCOMING["short_period_reason"],
            officer=officer,
            reviewer=reviewer,
            now=now - timedelta(days=1),
        )
        made += 1
    return made


def publish_consultation(data, departments, *, officer, reviewer, now, **fields):
    """Create a consultation, split its articles and take it through review to publication."""
    consultation = Consultation.objects.create(
        title=data["title"],
        department=departments[data["department"]],
        draft=paragraphs(data["draft"]),
        explanation=paragraphs(data["explanation"]),
        author=officer,
        created_at=now,
        **DATA["contact"],
        **fields,
    )
    consultation.rebuild_articles()
    consultation.submit(by=officer, now=now)
    consultation.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True), now=now)
    return consultation


def open_consultation(departments, officer, reviewer, rng, now):
    opens_on = timezone.localdate(now) - timedelta(days=10)
    consultation = publish_consultation(
        OPEN,
        departments,
        opens_on=opens_on,
        closes_on=default_closes_on(opens_on),
        officer=officer,
        reviewer=reviewer,
        now=now - timedelta(days=10, hours=2),
    )
    articles = {a.number: a for a in consultation.articles.all()}
    for index, data in enumerate(OPEN["comment"]):
        at = now - timedelta(days=9 - index * 0.8, hours=rng.uniform(0, 5))
        comment = demo_comment(consultation, articles.get(data.get("article")), data, rng, at)
        if data["review"] == "approve":
            comment.approve(by=reviewer, now=at + timedelta(hours=3))
        elif data["review"] == "reject":
            comment.reject(by=reviewer, reason=DATA["reject_reason"], now=at + timedelta(hours=3))
    return consultation


def demo_comment(consultation, article, data, rng, at):
    """Submit a citizen's comment as the public form would have, at the moment at."""
    return submit_comment(
        consultation=consultation,
        data={
            "article": article,
            "body": data["body"],
            "sender_name": data["name"],
            "sender_phone": f"139{rng.randrange(10**8):08d}",
        },
        ip="192.0.2.20",
        now=at,
    )


def closed_consultation(departments, officer, reviewer, head, rng, now):
    opens_on = timezone.localdate(now) - timedelta(days=90)
    consultation = publish_consultation(
        CLOSED,
        departments,
        opens_on=opens_on,
        closes_on=default_closes_on(opens_on),
        officer=officer,
        reviewer=reviewer,
        now=now - timedelta(days=91),
    )
    articles = {a.number: a for a in consultation.articles.all()}
    for index, data in enumerate(CLOSED["comment"]):
        at = now - timedelta(days=88 - index * 4, hours=rng.uniform(0, 5))
        comment = demo_comment(consultation, articles.get(data.get("article")), data, rng, at)
        comment.approve(by=reviewer, now=at + timedelta(hours=5))
        comment.record_adoption(
            by=head,
            adoption=data["adoption"],
            reason=data.get("reason", ""),
            now=now - timedelta(days=55),
        )
    consultation.publish_feedback(
        by=head,
        summary=CLOSED["feedback"].format(
            opens_on=opens_on, closes_on=consultation.closes_on, **consultation.adoption_figures()
        ),
        now=now - timedelta(days=52),
    )
    return consultation
