"""Object-level access: staff of department A never see or change department B's records.

Every way into a record is tried (the admin changelist, change, delete and history pages, the
workflow buttons, bulk actions posted with B's ids, exports, autocomplete, letters and PDFs) for
the departmental roles (信息员 and 科室负责人 of A) against records owned by B. A way in is closed
when it answers 302 (the admin's "does not exist" redirect), 403 or 404 and B's text is nowhere in
the response, and B's record is unchanged afterwards.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Message
from disclosure.models import Item, RequestLetter
from oversight.models import Task
from portal import roles
from services.models import ApprovalResult, GuideMaterial, ServiceGuide
from tests.complaints.factories import MessageCategoryFactory, MessageFactory
from tests.conftest import make_staff
from tests.disclosure.factories import ItemFactory
from tests.disclosure.request_factories import received_request
from tests.oversight.factories import TaskFactory
from tests.services.factories import ApprovalResultFactory, ServiceGuideFactory

pytestmark = pytest.mark.django_db

SECRET = "乙科内部"
CLOSED = {302, 403, 404, 405}


@pytest.fixture
def b_records(other_department, calendar):
    """One record of each kind owned by department B, each carrying SECRET in its text."""
    message = MessageFactory(
        category=MessageCategoryFactory(name="乙科留言", department=other_department),
        subject=f"{SECRET}留言",
    )
    item = ItemFactory(department=other_department, title=f"{SECRET}草稿信息")
    guide = ServiceGuideFactory(department=other_department, name=f"{SECRET}办事指南")
    material = GuideMaterial.objects.filter(guide=guide).first()
    material.name = f"{SECRET}申请材料"
    material.save()
    result = ApprovalResultFactory(
        guide=ServiceGuideFactory(department=other_department, published=True),
        tracking_number="BDC-YIKE-0001",
        result=f"{SECRET}办理结果",
    )
    task = TaskFactory(lead_department=other_department, title=f"{SECRET}任务")
    info_request = received_request(data=_request_data())
    letter = RequestLetter.issue(info_request, "correction", by=None, now=timezone.now())
    return {
        "message": message,
        "item": item,
        "guide": guide,
        "material": material,
        "result": result,
        "task": task,
        "request": info_request,
        "letter": letter,
    }


@pytest.fixture
def calendar(db):
    from portal.models import WorkCalendarDay

    return WorkCalendarDay.objects.all()


def _request_data():
    from tests.disclosure.request_factories import person_data

    return person_data(description=f"{SECRET}申请公开的内容")


@pytest.fixture(params=[roles.OFFICER, roles.DEPARTMENT_HEAD])
def a_user(request, department):
    return make_staff(request.param, department, username=f"a-{request.param}")


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


# (label, how to build the URL from B's records)
GET_URLS = [
    ("message change", lambda r: admin_url("complaints_message_change", r["message"].pk)),
    ("message history", lambda r: admin_url("complaints_message_history", r["message"].pk)),
    ("message delete", lambda r: admin_url("complaints_message_delete", r["message"].pk)),
    *[
        (
            f"message {move}",
            lambda r, move=move: admin_url("complaints_message_workflow", r["message"].pk, move),
        )
        for move in ["assign", "reply", "transfer", "close", "approve", "reopen"]
    ],
    ("item change", lambda r: admin_url("disclosure_item_change", r["item"].pk)),
    ("item delete", lambda r: admin_url("disclosure_item_delete", r["item"].pk)),
    ("item history", lambda r: admin_url("disclosure_item_history", r["item"].pk)),
    (
        "item history version",
        lambda r: admin_url(
            "disclosure_item_simple_history", r["item"].pk, r["item"].history.first().pk
        ),
    ),
    *[
        (
            f"item {move}",
            lambda r, move=move: admin_url("disclosure_item_workflow", r["item"].pk, move),
        )
        for move in ["submit", "approve", "return", "withdraw", "revise"]
    ],
    ("guide change", lambda r: admin_url("services_serviceguide_change", r["guide"].pk)),
    ("guide delete", lambda r: admin_url("services_serviceguide_delete", r["guide"].pk)),
    ("guide history", lambda r: admin_url("services_serviceguide_history", r["guide"].pk)),
    (
        "guide history version",
        lambda r: admin_url(
            "services_serviceguide_simple_history", r["guide"].pk, r["guide"].history.first().pk
        ),
    ),
    *[
        (
            f"guide {move}",
            lambda r, move=move: admin_url("services_serviceguide_workflow", r["guide"].pk, move),
        )
        for move in ["submit", "approve", "return", "withdraw", "revise"]
    ],
    ("material change", lambda r: admin_url("services_guidematerial_change", r["material"].pk)),
    ("material delete", lambda r: admin_url("services_guidematerial_delete", r["material"].pk)),
    ("result change", lambda r: admin_url("services_approvalresult_change", r["result"].pk)),
    ("result history", lambda r: admin_url("services_approvalresult_history", r["result"].pk)),
    (
        "result history version",
        lambda r: admin_url(
            "services_approvalresult_simple_history",
            r["result"].pk,
            r["result"].history.first().pk,
        ),
    ),
    ("task change", lambda r: admin_url("oversight_task_change", r["task"].pk)),
    ("task delete", lambda r: admin_url("oversight_task_delete", r["task"].pk)),
    ("task history", lambda r: admin_url("oversight_task_history", r["task"].pk)),
    ("request list", lambda r: admin_url("disclosure_informationrequest_changelist")),
    (
        "request change",
        lambda r: admin_url("disclosure_informationrequest_change", r["request"].pk),
    ),
    (
        "request history",
        lambda r: admin_url("disclosure_informationrequest_history", r["request"].pk),
    ),
    (
        "request workflow",
        lambda r: admin_url("disclosure_informationrequest_workflow", r["request"].pk, "reply"),
    ),
    (
        "request letter",
        lambda r: admin_url(
            "disclosure_informationrequest_letter", r["request"].pk, r["letter"].pk
        ),
    ),
    (
        "request letter pdf",
        lambda r: (
            admin_url("disclosure_informationrequest_letter", r["request"].pk, r["letter"].pk)
            + "?format=pdf"
        ),
    ),
    ("request appeal list", lambda r: admin_url("disclosure_requestappeal_changelist")),
    # Monthly figures are counts per department (public on /zmhd/tongji/ too), never texts.
    ("message statistics list", lambda r: admin_url("complaints_message_statistics")),
    (
        "message statistics csv list",
        lambda r: admin_url("complaints_message_statistics") + "?format=csv",
    ),
    ("message events", lambda r: admin_url("complaints_messageevent_changelist")),
    # The public site never shows drafts, their attachments or another department's files.
    ("public item draft", lambda r: reverse("disclosure:item-detail", args=[r["item"].pk])),
    ("public guide draft", lambda r: reverse("services:guide-detail", args=[r["guide"].pk])),
    ("public guide forms", lambda r: reverse("services:guide-forms-zip", args=[r["guide"].pk])),
    (
        "public message unpublished",
        lambda r: reverse("complaints:message-detail", args=[r["message"].tracking_number]),
    ),
]


def _assert_closed(response, label):
    assert response.status_code in CLOSED | {200}, (label, response.status_code)
    body = b"".join(response) if response.streaming else response.content
    assert SECRET.encode() not in body, f"{label}: department B's text leaked"


@pytest.mark.parametrize("label,build", GET_URLS, ids=[label for label, _ in GET_URLS])
def test_get_of_another_departments_record_is_closed(client, a_user, b_records, label, build):
    client.force_login(a_user)
    response = client.get(build(b_records))
    _assert_closed(response, label)
    if response.status_code == 200:
        # Only lists may answer 200 (without B's rows); a record page must not open.
        assert label.endswith("list") or label.endswith("events"), label


CHANGELISTS = [
    ("complaints_message_changelist", "message"),
    ("disclosure_item_changelist", "item"),
    ("services_serviceguide_changelist", "guide"),
    ("services_guidematerial_changelist", "material"),
    ("services_approvalresult_changelist", "result"),
    ("oversight_task_changelist", "task"),
]


@pytest.mark.parametrize("name,key", CHANGELISTS)
@pytest.mark.parametrize("query", ["", "?q=乙科", "?o=1&p=0", "?id__exact=1&pk=1"])
def test_changelists_and_their_search_leave_out_another_department(
    client, a_user, b_records, name, key, query
):
    """Neither the rows, nor the search, nor the filter choices show B's records."""
    client.force_login(a_user)
    response = client.get(admin_url(name) + query)
    _assert_closed(response, name)
    if response.status_code == 200 and "cl" in response.context:
        pks = {row.pk for row in response.context["cl"].result_list}
        assert b_records[key].pk not in pks


EXPORTS = ["oversight_task_xlsx", "oversight_task_csv", "oversight_task_print"]


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_leave_out_another_department(client, a_user, b_records, name):
    client.force_login(a_user)
    response = client.get(admin_url(name))
    assert response.status_code in CLOSED | {200}
    body = response.content
    if name.endswith("xlsx") and response.status_code == 200:
        from io import BytesIO

        from openpyxl import load_workbook

        sheet = load_workbook(BytesIO(body)).active
        body = " ".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
    assert SECRET.encode() not in body


AUTOCOMPLETE = [
    # (app_label, model_name, field_name): the source field whose target admin is asked.
    ("oversight", "task", "evidence_items"),
    ("disclosure", "item", "replaced_by"),
    ("disclosure", "item", "interprets"),
]


@pytest.mark.parametrize("app_label,model_name,field_name", AUTOCOMPLETE)
def test_autocomplete_leaves_out_another_department(
    client, a_user, b_records, app_label, model_name, field_name
):
    client.force_login(a_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code in CLOSED | {200}
    assert SECRET not in response.content.decode("unicode_escape", errors="ignore")
    assert SECRET.encode() not in response.content


BULK_ACTIONS = [
    ("complaints_message_changelist", "approve_selected", "message"),
    ("complaints_message_changelist", "reopen_selected", "message"),
    ("disclosure_item_changelist", "submit_selected", "item"),
    ("services_serviceguide_changelist", "submit_selected", "guide"),
    ("disclosure_item_changelist", "delete_selected", "item"),
    ("services_serviceguide_changelist", "delete_selected", "guide"),
    ("services_guidematerial_changelist", "delete_selected", "material"),
    ("oversight_task_changelist", "delete_selected", "task"),
]


def _snapshot(obj):
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk).values().first()
    return row


@pytest.mark.parametrize("changelist,action,key", BULK_ACTIONS)
def test_bulk_actions_with_another_departments_ids_change_nothing(
    client, a_user, b_records, changelist, action, key
):
    obj = b_records[key]
    before = _snapshot(obj)
    client.force_login(a_user)
    response = client.post(
        admin_url(changelist),
        {"action": action, "_selected_action": [obj.pk], "post": "yes", "index": 0},
    )
    assert response.status_code in CLOSED | {200}
    assert _snapshot(obj) == before, f"{action} changed department B's {key}"


WORKFLOW_POSTS = [
    ("complaints_message_workflow/reply", "message", {"text": "越权答复"}),
    ("complaints_message_workflow/close", "message", {"reason": "越权"}),
    ("complaints_message_workflow/assign", "message", {"assignee": ""}),
    ("disclosure_item_workflow/submit", "item", {}),
    ("disclosure_item_workflow/revise", "item", {}),
    ("services_serviceguide_workflow/submit", "guide", {}),
    ("disclosure_item_change", "item", {"title": "越权修改"}),
    ("disclosure_item_delete", "item", {"post": "yes"}),
    ("services_serviceguide_change", "guide", {"name": "越权修改"}),
    ("services_serviceguide_delete", "guide", {"post": "yes"}),
    ("services_guidematerial_change", "material", {"name": "越权修改"}),
    ("services_guidematerial_delete", "material", {"post": "yes"}),
    ("services_approvalresult_change", "result", {"result": "越权修改"}),
    ("oversight_task_change", "task", {"progress": "越权修改"}),
    ("oversight_task_delete", "task", {"post": "yes"}),
    ("disclosure_informationrequest_change", "request", {"description": "越权修改"}),
]


@pytest.mark.parametrize("name,key,data", WORKFLOW_POSTS, ids=[w[0] for w in WORKFLOW_POSTS])
def test_posts_to_another_departments_record_change_nothing(
    client, a_user, b_records, name, key, data
):
    obj = b_records[key]
    before = _snapshot(obj)
    client.force_login(a_user)
    name, _, move = name.partition("/")  # a workflow move: "<url name>/<move>"
    response = client.post(admin_url(name, obj.pk, *([move] if move else [])), data)
    _assert_closed(response, name)
    assert response.status_code != 200, f"{name} opened department B's record"
    assert _snapshot(obj) == before


def test_history_version_post_cannot_revert_another_departments_item(client, a_user, b_records):
    item = b_records["item"]
    version = item.history.first()
    item.title = f"{SECRET}草稿信息（改）"
    item.save()
    client.force_login(a_user)
    response = client.post(
        admin_url("disclosure_item_simple_history", item.pk, version.pk), {"title": "越权回滚"}
    )
    assert response.status_code in CLOSED
    item.refresh_from_db()
    assert item.title == f"{SECRET}草稿信息（改）"


def test_own_department_still_opens_its_records(client, department, b_records):
    """The guard is not a wall: A's own draft opens for A's officer, B's does not."""
    officer = make_staff(roles.OFFICER, department, username="a-own")
    own = ItemFactory(department=department, title="甲科草稿", author=officer)
    client.force_login(officer)
    assert client.get(admin_url("disclosure_item_change", own.pk)).status_code == 200
    assert client.get(admin_url("disclosure_item_history", own.pk)).status_code == 200
    version = own.history.first()
    assert (
        client.get(admin_url("disclosure_item_simple_history", own.pk, version.pk)).status_code
        == 200
    )


def test_evidence_and_replacement_cannot_point_at_another_departments_draft(
    client, department, b_records
):
    """Foreign keys chosen by id in a form are limited to what the user may see or the public
    sees, so A cannot link B's draft into A's record by posting its id."""
    from django.contrib.admin import site

    head = make_staff(roles.DEPARTMENT_HEAD, department, username="a-head-fk")
    request = type("R", (), {"user": head})()
    task_admin = site._registry[Task]
    field = task_admin.formfield_for_manytomany(Task._meta.get_field("evidence_items"), request)
    assert not field.queryset.filter(pk=b_records["item"].pk).exists()
    item_admin = site._registry[Item]
    field = item_admin.formfield_for_foreignkey(Item._meta.get_field("replaced_by"), request)
    assert not field.queryset.filter(pk=b_records["item"].pk).exists()


def test_requests_and_appeals_stay_closed_even_with_permissions_given_by_hand(
    client, department, b_records
):
    """A departmental account given the office's request permissions by hand still sees no
    request, appeal or letter: requests are for bureau-wide roles."""
    from django.contrib.auth.models import Permission

    from disclosure.models import RequestAppeal

    head = make_staff(roles.DEPARTMENT_HEAD, department, username="a-head-perms")
    head.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="disclosure",
            codename__in=[
                "view_informationrequest",
                "change_informationrequest",
                "handle_informationrequest",
                "view_requestappeal",
                "view_requestletter",
            ],
        )
    )
    info_request = b_records["request"]
    RequestAppeal.objects.create(
        request=info_request,
        kind=RequestAppeal.Kind.REVIEW,
        case_number="江政复〔2026〕1号",
        filed_on=timezone.localdate(),
        authority="江川市人民政府",
    )
    client.force_login(head)
    closed = [
        admin_url("disclosure_informationrequest_change", info_request.pk),
        admin_url("disclosure_informationrequest_workflow", info_request.pk, "reply"),
        admin_url("disclosure_informationrequest_letter", info_request.pk, b_records["letter"].pk),
    ]
    for url in closed:
        _assert_closed(client.get(url), url)
        assert client.get(url).status_code != 200, url
    listing = client.get(admin_url("disclosure_informationrequest_changelist"))
    assert not listing.context["cl"].result_list
    appeals = client.get(admin_url("disclosure_requestappeal_changelist"))
    assert "江政复" not in appeals.content.decode()


def test_bureau_wide_roles_see_every_department(client, reviewer, b_records):
    client.force_login(reviewer)
    assert client.get(admin_url("disclosure_item_change", b_records["item"].pk)).status_code == 200
    assert (
        client.get(admin_url("complaints_message_change", b_records["message"].pk)).status_code
        == 200
    )


# Keep the model imports used (they document which models this suite covers).
COVERED = [Message, Item, ServiceGuide, GuideMaterial, ApprovalResult, Task, RequestLetter]
