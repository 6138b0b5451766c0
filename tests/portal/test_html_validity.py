"""The Nu HTML checker (vnu, npm `vnu-jar`) finds no error on any public form page.

Each page is rendered empty and again with the errors of a bad submission, written to a file and
checked by one run of vnu.jar. vnu needs Java: a missing `java` or `node_modules/vnu-jar` fails
the test where CI requires it (REQUIRE_BROWSER=1) and skips it, saying why, elsewhere.
"""

import json
import os
import shutil
import subprocess  # nosec B404: runs our own pinned vnu.jar on files we wrote
from pathlib import Path

import pytest
from django.urls import reverse

from portal import workdays
from portal.models import WorkCalendarDay
from tests.complaints.factories import (
    QUERY_CODE,
    EvaluationRoundFactory,
    EvaluationSubjectFactory,
    MessageCategoryFactory,
    MessageFactory,
    published_consultation,
)
from tests.disclosure.request_factories import online_request
from tests.services.factories import ServiceGuideFactory

pytestmark = pytest.mark.django_db

VNU = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def vnu_command():
    java = shutil.which("java")
    missing = None
    if java is None:
        missing = "java is not installed (apt-get install default-jre-headless; make browser-deps)"
    elif not VNU.exists():
        missing = "node_modules/vnu-jar is missing: run `npm ci` (make test does)"
    if missing:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    return [java, "-Xss1m", "-jar", str(VNU), "--format", "json", "--errors-only"]


def public_form_pages(client, replier, reviewer):
    """(name, HTML) of every public form page, empty and after a refused submission."""
    MessageCategoryFactory(name="网站纠错")
    consultation = published_consultation()
    evaluation = EvaluationRoundFactory()
    EvaluationSubjectFactory(round=evaluation)
    pages = {
        "message-form": reverse("complaints:message-create"),
        "site-error-form": reverse("complaints:message-create") + "?kind=site_error&page=/wza/",
        "request-form": reverse("disclosure:request-form"),
        "consultation-comment-form": consultation.get_absolute_url(),
        "evaluation-form": evaluation.get_absolute_url(),
        "message-lookup": reverse("complaints:message-lookup"),
        "request-lookup": reverse("disclosure:request-lookup"),
        "result-lookup": reverse("services:result-lookup"),
        "result-rate": reverse("services:result-rate"),
        "guide-rate": reverse("services:guide-rate", args=[ServiceGuideFactory(published=True).pk]),
        "rating-lookup": reverse("services:rating-lookup"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        yield name, response.content.decode()
    refused = {
        "message-form-refused": (reverse("complaints:message-create"), {"body": "短"}),
        "request-form-refused": (reverse("disclosure:request-form"), {"delivery_form": "email"}),
        "message-lookup-refused": (reverse("complaints:message-lookup"), {"query_code": "x"}),
        "request-lookup-refused": (reverse("disclosure:request-lookup"), {"query_code": "x"}),
    }
    for name, (url, data) in refused.items():
        response = client.post(url, data)
        assert response.status_code in (200, 400), name
        yield name, response.content.decode()
    comment = reverse("complaints:consultation-comment", args=[consultation.pk])
    response = client.post(comment, {"body": "短"})
    assert response.status_code == 400
    yield "consultation-comment-refused", response.content.decode()
    response = client.post(evaluation.get_absolute_url(), {"phone": "123"})
    assert response.status_code == 400
    yield "evaluation-form-refused", response.content.decode()
    # The forms behind a lookup: the 满意度 of a reply and the withdrawal of an application.
    message = MessageFactory()
    message.record_reply(by=replier, text="经核查，您反映的问题已处理完毕。")
    message.approve(by=reviewer)  # a reply is rated once a reviewer has sent it
    client.post(
        reverse("complaints:message-lookup"),
        {"tracking_number": message.tracking_number, "query_code": QUERY_CODE},
    )
    html = client.get(reverse("complaints:message-status", args=[message.tracking_number]))
    assert 'name="rating"' in html.content.decode()
    yield "message-rating-form", html.content.decode()
    workdays.seed_calendar(WorkCalendarDay)
    info_request, code = online_request()
    client.post(
        reverse("disclosure:request-lookup"),
        {"tracking_number": info_request.tracking_number, "query_code": code},
    )
    html = client.get(reverse("disclosure:request-status", args=[info_request.tracking_number]))
    assert 'name="reason"' in html.content.decode()
    yield "request-withdraw-form", html.content.decode()


def test_vnu_finds_no_error_on_public_form_pages(client, tmp_path, department_head, reviewer):
    command = vnu_command()
    files = []
    for name, html in public_form_pages(client, department_head, reviewer):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    result = subprocess.run(  # nosec B603: a fixed command and our own files
        [*command, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    # vnu prints its JSON report on stderr; nothing there means no message at all.
    assert result.stderr or result.returncode == 0, result.stdout
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} "
        f"[{m.get('extract', '')}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0
    assert len(files) == 19
