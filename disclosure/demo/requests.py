"""Demo 依申请公开: applications over the last five years, in every state and reply type, and
each year's annual report published in the 公开年报 column the January after.

The texts are data: `requests.toml` beside this file. Each application goes through the real
services and transitions with past times, so its dates, deadlines, events and letters are what
the system would have produced. Last year's applications are all concluded except a few carried
over, so last year's annual report is full; the four years before have fewer, all concluded.
Deterministic and idempotent: nothing is added once the demo applications exist.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from portal import workdays
from portal.demo import read_data
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

from ..models import AnnualReport, InformationRequest, RequestAppeal
from ..services import register_request, submit_annual_report_item, submit_request

ApplicantType = InformationRequest.ApplicantType
ReplyType = InformationRequest.ReplyType

DATA = read_data(__file__, "requests.toml")
REPORT_YEARS = 5  # annual reports published: the last five years
PLACES, VILLAGES = DATA["places"], DATA["villages"]
SURNAMES, GIVEN = DATA["surnames"], DATA["given_names"]


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _applicant(rng, applicant_type):
    if applicant_type == ApplicantType.NATURAL_PERSON:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return {
            "applicant_type": applicant_type,
            "applicant_name": name,
            "id_type": InformationRequest.IdType.RESIDENT_ID,
            "id_number": "330200198506123213",
            "phone": f"13{rng.randint(5, 9)}{rng.randint(10000000, 99999999)}",
            "email": f"user{rng.randint(100, 999)}@example.com",
            "address": f"江川市{rng.choice(PLACES)}{rng.choice(VILLAGES)}{rng.randint(1, 99)}号",
            "delivery_form": rng.choice(["email", "paper", "pickup"]),
        }
    return {
        "applicant_type": applicant_type,
        "applicant_name": rng.choice(DATA["organisations"][applicant_type]),
        "credit_code": rng.choice(DATA["credit_codes"]),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "phone": f"0571-8706{rng.randint(1000, 9999)}",
        "email": f"office{rng.randint(100, 999)}@example.com",
        "address": f"江川市{rng.choice(PLACES)}创业路{rng.randint(1, 200)}号",
        "delivery_form": rng.choice(["email", "paper", "disc"]),
    }


def _data(rng, applicant_type, year):
    description = rng.choice(DATA["descriptions"]).format(
        place=rng.choice(PLACES), village=rng.choice(VILLAGES), year=year - 1, n=rng.randint(1, 12)
    )
    return {
        **_applicant(rng, applicant_type),
        "description": description,
        "purpose": rng.choice(["", "维护自身合法权益", "学术研究", "核实补偿标准"]),
    }


def _received(rng, office, applicant_type, day):
    """An application received on day: online confirmed that day, or handed in / posted."""
    data = _data(rng, applicant_type, day.year)
    if rng.random() < 0.6:
        submission = submit_request(data=data, ip="203.0.113.20", now=at(day, 9))
        submission.info_request.confirm_receipt(by=office, now=at(day, 15))
        return submission.info_request
    channel = rng.choice(["in_person", "post"])
    return register_request(
        data=data, channel=channel, by=office, received_on=day, now=at(day, 11)
    ).info_request


def _reply(info_request, office, reply_type, day):
    group = reply_type.split(".")[0]
    info_request.reply(
        by=office,
        reply_type=reply_type,
        legal_basis=DATA["legal_basis"][group],
        text=DATA["reply_texts"][group],
        now=at(day, 16),
    )


def _workday(day):
    while not workdays.is_working_day(day):
        day += timedelta(days=1)
    return day


def load(*, stdout):
    if InformationRequest.objects.exists():
        stdout.write(f"依申请公开已有 {InformationRequest.objects.count()} 件，跳过。")
        assign_departments(random.Random(2608))
        load_annual_reports(
            office=User.objects.get(username="gongkaiban"), today=timezone.localdate()
        )
        return
    office = User.objects.get(username="gongkaiban")
    rng = random.Random(2608)
    today = timezone.localdate()
    last_year = today.year - 1
    types = list(ApplicantType)
    weights = [12, 4, 1, 1, 2, 1]
    reply_types = [c for c, _ in InformationRequest.REPLY_CHOICES]

    # The four years before last: fewer applications, all answered within the year.
    for year in range(last_year - REPORT_YEARS + 1, last_year):
        load_past_year(random.Random(year), office, year, count=12 + (year - 2020) * 2)

    # Last year: every reply type at least once, spread over the year, plus the special paths.
    plan = reply_types + rng.choices(["1", "1", "2", "2", "4.1", "5.2"], k=14)
    rng.shuffle(plan)
    for index, reply_type in enumerate(plan):
        received_on = _workday(
            date(last_year, 1, 6) + timedelta(days=index * 8 + rng.randint(0, 3))
        )
        info_request = _received(rng, office, rng.choices(types, weights)[0], received_on)
        step = received_on + timedelta(days=rng.randint(1, 4))
        if index % 5 == 0:
            info_request.request_correction(
                by=office,
                items="请明确所需信息的地块位置、批次或文号。",
                now=at(_workday(step), 10),
            )
            corrected = _workday(step + timedelta(days=3))
            info_request.record_correction(by=office, corrected_on=corrected, now=at(corrected))
            step = corrected + timedelta(days=2)
        if index % 7 == 3:
            info_request.request_third_party_opinion(
                by=office, third_party="江川市宏远置业有限公司", now=at(_workday(step))
            )
            step = _workday(step + timedelta(days=10))
            info_request.record_third_party_opinion(
                by=office, opinion="不同意公开合同价款部分。", now=at(step)
            )
        if index % 6 == 2:
            info_request.extend(
                by=office,
                days=15,
                reason="需调取历史档案并会同有关科室核查",
                now=at(_workday(step)),
            )
        reply_on = min(_workday(step + timedelta(days=rng.randint(5, 20))), info_request.due_on)
        _reply(info_request, office, reply_type, reply_on)
        if reply_type.startswith("3") and index % 2 == 0:
            RequestAppeal.objects.create(
                request=info_request,
                kind=rng.choice(list(RequestAppeal.Kind)),
                filed_on=reply_on + timedelta(days=30),
                authority="江川市人民政府",
                case_number=f"江政复〔{last_year}〕{index + 1}号",
                outcome=RequestAppeal.Outcome.UPHELD,
                decided_on=reply_on + timedelta(days=80),
            )
    # Last year: a lapsed 补正, a withdrawal, and three carried over into this year.
    lapsed = _received(rng, office, ApplicantType.NATURAL_PERSON, _workday(date(last_year, 6, 9)))
    lapsed.request_correction(
        by=office, items="请补充申请人身份证明。", period_days=10, now=at(date(last_year, 6, 11))
    )
    lapsed.lapse_correction(by=office, now=at(lapsed.correction_due_on + timedelta(days=1)))
    withdrawn = _received(rng, office, ApplicantType.BUSINESS, _workday(date(last_year, 8, 4)))
    withdrawn.withdraw(by=office, reason="申请人电话申请撤回", now=at(date(last_year, 8, 6)))
    for offset in range(3):
        info_request = _received(
            rng,
            office,
            ApplicantType.NATURAL_PERSON,
            _workday(date(last_year, 12, 15 + offset * 3)),
        )
        reply_on = _workday(date(today.year, 1, 8 + offset))
        _reply(info_request, office, rng.choice(["1", "2", "4.1"]), reply_on)

    # This year: concluded ones, and every open state.
    for index in range(12):
        received_on = _workday(date(today.year, 2, 2) + timedelta(days=index * 18))
        if received_on >= today - timedelta(days=40):
            break
        info_request = _received(rng, office, rng.choices(types, weights)[0], received_on)
        _reply(
            info_request,
            office,
            rng.choice(["1", "1", "2", "4.1", "5.3", "3.6"]),
            _workday(received_on + timedelta(days=12)),
        )
    open_days = [today - timedelta(days=d) for d in (45, 27, 20, 12, 6, 3, 1)]
    overdue = _received(rng, office, ApplicantType.NATURAL_PERSON, _workday(open_days[0]))
    near = _received(rng, office, ApplicantType.LEGAL_SERVICE, _workday(open_days[1]))
    near.extend(by=office, days=5, reason="涉及多个科室，需会商", now=at(min(today, near.due_on)))
    awaiting_third_party = _received(rng, office, ApplicantType.BUSINESS, _workday(open_days[2]))
    awaiting_third_party.request_third_party_opinion(
        by=office,
        third_party="浙东矿业开发有限公司",
        now=at(min(today, _workday(open_days[2] + timedelta(days=2)))),
    )
    correction = _received(rng, office, ApplicantType.NATURAL_PERSON, _workday(open_days[4]))
    correction.request_correction(
        by=office,
        items="请写明所需文件的文号或形成时间。",
        now=at(min(today, _workday(open_days[4] + timedelta(days=1)))),
    )
    _received(rng, office, ApplicantType.RESEARCH, _workday(open_days[3]))
    for day in open_days[5:]:
        submit_request(
            data=_data(rng, ApplicantType.NATURAL_PERSON, today.year),
            ip="203.0.113.21",
            now=at(day, 20),
        )
    del overdue

    assign_departments(rng)
    load_annual_reports(office=office, today=today)
    stdout.write(
        f"依申请公开 {InformationRequest.objects.count()} 件，"
        f"{last_year - REPORT_YEARS + 1}—{last_year}年度报告 {REPORT_YEARS} 份（已发布）。"
    )


def load_past_year(rng, office, year, *, count):
    """count applications of year, spread over it, each answered in time; a few appealed."""
    types = list(ApplicantType)
    plan = rng.choices(["1", "1", "1", "2", "2", "3.4", "3.6", "4.1", "4.1", "5.2", "5.3"], k=count)
    for index, reply_type in enumerate(plan):
        received_on = _workday(date(year, 1, 10) + timedelta(days=index * 330 // count))
        info_request = _received(
            rng, office, rng.choices(types, [12, 4, 1, 1, 2, 1])[0], received_on
        )
        reply_on = _workday(received_on + timedelta(days=rng.randint(6, 20)))
        _reply(info_request, office, reply_type, min(reply_on, info_request.due_on))
        if reply_type.startswith("3") and rng.random() < 0.5:
            RequestAppeal.objects.create(
                request=info_request,
                kind=rng.choice(list(RequestAppeal.Kind)),
                filed_on=reply_on + timedelta(days=30),
                authority="江川市人民政府",
                case_number=f"江政复〔{year}〕{index + 1}号",
                outcome=RequestAppeal.Outcome.UPHELD,
                decided_on=reply_on + timedelta(days=80),
            )


def load_annual_reports(*, office, today):
    """The reports of the last REPORT_YEARS years, each published in the 公开年报 column the
    January after its year (idempotent)."""
    for year in range(today.year - REPORT_YEARS, today.year):
        load_annual_report(office=office, year=year, today=today)


def load_annual_report(*, office, year, today):
    """year's report, published in the 公开年报 column in January of the year after."""
    report_data = DATA["annual_report"]
    rng = random.Random(year)
    # The figures grow a little from year to year, as the bureau's business does.
    growth = 1 + (year - 2020) * 0.04
    report, _ = AnnualReport.objects.get_or_create(
        year=year,
        defaults={
            **report_data,
            "overview": report_data["overview"].format(last_year=year),
            "permits_count": int(report_data["permits_count"] * growth) + rng.randint(-40, 40),
            "penalties_count": report_data["penalties_count"] + rng.randint(-15, 15),
            "enforcement_count": report_data["enforcement_count"] + rng.randint(-3, 3),
            "fees_amount": round(float(report_data["fees_amount"]) / growth, 2),
        },
    )
    if report.item_id is None:
        # Published in the 公开年报 column in January, as the Regulation requires.
        published = at(min(today, _workday(date(year + 1, 1, 20))))
        item = submit_annual_report_item(report=report, by=office, now=published)
        reviewer = User.objects.get(username="shenheyuan")
        item.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True), now=published)


def assign_departments(rng):
    """Give every demo application without one its handling department (idempotent)."""
    # Which department holds the information a demo application asks for.
    handling = DATA["handling_departments"]
    departments = {d.code: d for d in Department.objects.filter(code__in=handling)}
    codes = [code for code in handling if code in departments]
    if not codes:
        return
    for info_request in InformationRequest.objects.filter(department=None).order_by("pk"):
        info_request.department = departments[rng.choice(codes)]
        info_request.save(update_fields=["department"])
