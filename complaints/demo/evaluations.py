"""Demo 网上评议: one round closed with its results, one running."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from portal.demo import read_data

from ..models import ASPECTS, EvaluationRound, EvaluationSubject
from ..services import submit_evaluation

DATA = read_data(__file__, "evaluations.toml")


def load(*, departments, reviewer, rng, now):
    """Create each demo round that does not exist yet; return how many were made."""
    today = timezone.localdate(now)
    made = 0
    for key in ("closed", "open"):
        data = DATA["round"][key]
        if not EvaluationRound.objects.filter(title=data["title"]).exists():
            opens_on = today - timedelta(days=data["opened_days_ago"])
            evaluation_round(data, departments, rng, opens_on, reviewer, now)
            made += 1
    return made


def evaluation_round(data, departments, rng, opens_on, reviewer, now):
    closes_on = opens_on + timedelta(days=40)
    round = EvaluationRound.objects.create(
        title=data["title"],
        description=DATA["description"],
        opens_on=opens_on,
        closes_on=closes_on,
        is_published=True,
        created_at=now - timedelta(days=(timezone.localdate(now) - opens_on).days + 2),
    )
    subjects = [
        EvaluationSubject.objects.create(
            round=round,
            kind=subject["kind"],
            name=subject["name"],
            department=departments.get(subject["department"]),
            order=order,
        )
        for order, subject in enumerate(DATA["subject"], start=1)
    ]
    start = timezone.make_aware(datetime.combine(opens_on, time(9)))
    last = min(now, timezone.make_aware(datetime.combine(closes_on, time(17))))
    span = (last - start).total_seconds()
    responses = data["responses"]
    for n in range(responses):
        at = start + timedelta(seconds=span * (n + 0.5) / responses)
        rated = rng.sample(subjects, rng.randint(1, 3))
        answers = {
            subject: {
                name: rng.choices([5, 4, 3, 2, 1], weights=[55, 28, 10, 5, 2])[0]
                for name, _, _ in ASPECTS
            }
            for subject in rated
        }
        comment = rng.choice(DATA["comments"]) if rng.random() < 0.4 else ""
        response = submit_evaluation(
            round=round,
            data={
                "phone": f"158{rng.randrange(10**8):08d}",
                "answers": answers,
                "comment": comment,
            },
            ip="192.0.2.30",
            now=at,
        )
        if comment and at + timedelta(hours=4) < now:
            response.approve_comment(by=reviewer, now=at + timedelta(hours=4))
    return round
