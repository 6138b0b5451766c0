"""Information requests for tests, made through the same services the site uses."""

from datetime import date, datetime, time

from django.utils import timezone

from disclosure.models import InformationRequest
from disclosure.services import register_request, submit_request

VALID_CREDIT_CODE = "91330200MA2AB1C2DJ"
VALID_ID_NUMBER = "330200198506123213"


def person_data(**overrides):
    data = {
        "applicant_type": InformationRequest.ApplicantType.NATURAL_PERSON,
        "applicant_name": "张建华",
        "id_type": InformationRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID_NUMBER,
        "phone": "13812345678",
        "email": "zhang@example.com",
        "address": "江川市滨江区江南大道100号",
        "postcode": "330201",
        "description": "申请公开滨江区东升村2025年第3批次征收土地的补偿安置方案及批复文件",
        "purpose": "核实本户征地补偿标准",
        "delivery_form": InformationRequest.DeliveryForm.EMAIL,
    }
    return {**data, **overrides}


def organisation_data(applicant_type=InformationRequest.ApplicantType.BUSINESS, **overrides):
    data = {
        "applicant_type": applicant_type,
        "applicant_name": "江川市宏远置业有限公司",
        "credit_code": VALID_CREDIT_CODE,
        "legal_representative": "王宏远",
        "contact_name": "李娜",
        "phone": "0571-87001234",
        "email": "lina@hongyuan.example.com",
        "address": "江川市江北新区创业路8号",
        "description": "申请公开江北新区2025-08号地块国有建设用地使用权出让合同",
        "purpose": "",
        "delivery_form": InformationRequest.DeliveryForm.PAPER,
    }
    return {**data, **overrides}


def at(day, hour=10):
    """Return an aware datetime on day at hour (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def received_request(received_on=date(2025, 9, 26), *, by=None, data=None):
    """A request handed in on received_on: its clock runs from that day."""
    return register_request(
        data=data or person_data(),
        channel=InformationRequest.Channel.IN_PERSON,
        by=by,
        received_on=received_on,
        now=at(received_on),
    ).info_request


def online_request(submitted_on=date(2025, 9, 26), *, data=None):
    """An online submission awaiting confirmation, and its 查询码."""
    submission = submit_request(data=data or person_data(), ip="203.0.113.9", now=at(submitted_on))
    return submission.info_request, submission.query_code
