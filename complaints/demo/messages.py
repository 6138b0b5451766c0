"""Demo messages: complaint agencies, categories, reply templates per category and type, a year
of messages."""

import random
from datetime import timedelta

from django.utils import timezone

from portal import roles
from portal.demo import read_data
from portal.models import Department, User

from ..models import ComplaintAgency, Message, MessageCategory, ReplyTemplate
from ..services import submit_message

DESK = read_data(__file__, "messages.toml")
COUNT = 320
RECENT_SUBJECTS = 10  # no subject twice among ten consecutive messages


def load(*, stdout, seed):
    for agency in DESK["agency"]:
        ComplaintAgency.objects.update_or_create(name=agency["name"], defaults=agency)
    departments = {d.code: d for d in Department.objects.all()}
    categories = []
    office = departments.get("bgs")
    for kind, text in DESK["templates"].items():
        ReplyTemplate.objects.update_or_create(
            category=None, kind=kind, defaults={"text": framed(text, kind, office)}
        )
    for order, data in enumerate(DESK["category"], start=1):
        department = departments[data["department"]]
        category, _ = MessageCategory.objects.update_or_create(
            name=data["name"], defaults={"department": department, "order": order * 10}
        )
        for kind, text in data["templates"].items():
            ReplyTemplate.objects.update_or_create(
                category=category, kind=kind, defaults={"text": framed(text, kind, department)}
            )
        categories.append((category, data["sample"]))
    stdout.write(
        f"留言类别 {len(categories)} 个，答复模板 {ReplyTemplate.objects.count()} 个，"
        f"投诉受理机构 {len(DESK['agency'])} 个。"
    )
    if Message.objects.exists():
        stdout.write(f"已有留言 {Message.objects.count()} 条，不再生成。")
    else:
        demo_query = generate_messages(categories, seed=seed)
        stdout.write(f"生成留言 {Message.objects.count()} 条（近一年，含超期、未公开和评价）。")
        stdout.write("演示查询：受理编号 {} 查询码 {}".format(*demo_query))


def framed(text, kind, department):
    """Return text between the greeting and the closing of its message type, for department."""
    name = department.name if department else "办公室"
    phone = (department.phone if department else "") or "0571-87061234"
    greeting = DESK["greetings"][kind].format(dept=name)
    return greeting + text + DESK["closings"][kind].format(phone=phone)


def staff(username):
    return User.objects.filter(username=username).first()


def generate_messages(categories, *, seed):
    """Create COUNT messages over the last year; return (tracking number, 查询码) of the newest."""
    rng = random.Random(seed)
    now = timezone.now()
    reviewer, office = staff("shenheyuan"), staff("gongkaiban")
    heads = {
        user.department.code: user
        for user in User.objects.filter(groups__name=roles.DEPARTMENT_HEAD).select_related(
            "department"
        )
        if user.department
    }
    departments = list(Department.objects.exclude(code="bgs"))
    newest = None
    # Oldest first, so that 受理编号 follow the calendar.
    ages = [rng.uniform(2.5, 365) for _ in range(COUNT - 24)]
    ages += [rng.uniform(0.05, 2.5) for _ in range(24)]  # the current queue, some overdue
    ages.sort(reverse=True)
    pool = [
        (category, sample["kind"], sample["subject"], sample["body"], sample["reply"])
        for category, samples in categories
        for sample in samples
    ]
    recent = []  # subjects of the last messages: a list page never shows the same one twice
    for age_days in ages:
        fresh = [entry for entry in pool if entry[2] not in recent]  # (category, kind, subject…)
        category, kind, subject, body, reply = rng.choice(fresh)
        recent = [*recent[-(RECENT_SUBJECTS - 1) :], subject]
        place = rng.choice(DESK["places"])
        received_at = now - timedelta(days=age_days)
        month = timezone.localtime(received_at - timedelta(days=30)).month
        data = {
            "kind": kind,
            "category": category,
            "subject": subject,
            "body": body.format(place=place, month=month),
            "sender_name": rng.choice(DESK["surnames"]) + rng.choice(DESK["given_names"]),
            "sender_phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "sender_email": "",
            "has_publication_consent": rng.random() < 0.85,
        }
        submission = submit_message(data=data, ip="192.0.2.10", now=received_at)
        message = submission.message
        newest = (message.tracking_number, submission.query_code)
        handle(message, rng, now, reply.format(place=place), heads, reviewer, office, departments)
    return newest


def handle(message, rng, now, reply, heads, reviewer, office, departments):
    """Move a fresh demo message along as the bureau would have: the head of the department
    with a demo account replies, the others' replies are recorded without a named clerk."""
    at = message.received_at
    replier = heads.get(message.department.code)
    if office and rng.random() < 0.05:
        at += timedelta(hours=rng.uniform(0.5, 3))
        if at > now:
            return
        # The citizen chose a topic that does not fit: the office passes it on.
        other = rng.choice([d for d in departments if d.pk != message.department_id])
        message.transfer(
            by=office, to=other, reason=DESK["transfer_reason"].format(department=other), now=at
        )
        replier = heads.get(other.code)
    if rng.random() < 0.03 and replier:
        at += timedelta(hours=rng.uniform(1, 6))
        if at < now:
            message.close(by=replier, reason=DESK["duplicate_reason"], now=at)
        return
    recent = now - message.received_at < timedelta(days=2.5)
    late = rng.random() < (0.5 if recent else 0.06)
    hours = rng.uniform(25, 60) if late else rng.triangular(1, 23, 6)
    at += timedelta(hours=hours)
    if at > now:
        return  # still open: some within the 24 hours, some overdue
    message.record_reply(by=replier, text=framed(reply, message.kind, message.department), now=at)
    at += timedelta(hours=rng.uniform(1, 20))
    if at > now or rng.random() < 0.05 or reviewer is None:
        return  # replied, not yet reviewed: visible to the sender only
    message.approve(by=reviewer, now=at)
    if rng.random() < 0.55:
        at += timedelta(days=rng.uniform(0.2, 5))
        if at < now:
            rating = rng.choices(
                [Message.Rating.SATISFIED, Message.Rating.FAIR, Message.Rating.UNSATISFIED],
                weights=[75, 18, 7],
            )[0]
            comment = DESK["rating_comments"][rating]
            message.rate(rating=rating, comment=comment, now=at)
            if rating == Message.Rating.UNSATISFIED:
                at += timedelta(hours=rng.uniform(2, 20))
                if at < now:
                    text = framed(DESK["second_reply"] + reply, message.kind, message.department)
                    message.record_reply(by=replier, text=text, now=at)
                    if at + timedelta(hours=2) < now:
                        message.approve(by=reviewer, now=at + timedelta(hours=2))
