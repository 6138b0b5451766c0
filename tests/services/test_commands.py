import io
import os
import shutil
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from services import booklet, demo
from services.models import (
    ApprovalResult,
    MaterialForm,
    RectificationCase,
    ServiceGuide,
    ServiceRating,
    ServiceWindow,
)
from services.tasks import rebuild_booklet
from tests.services.factories import CHECKLIST, ServiceGuideFactory

pytestmark = pytest.mark.django_db


def has_cjk_font():
    if not shutil.which("fc-list"):
        return False
    return "Noto Sans CJK" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout


needs_font = pytest.mark.skipif(
    not has_cjk_font(), reason="fc-list finds no “Noto Sans CJK”: apt-get install fonts-noto-cjk"
)


def pdf_text(path, *pages):
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# Booklet --------------------------------------------------------------------------------------
@needs_font
def test_booklet_has_cover_contents_with_page_numbers_and_every_guide():
    names = ["不动产抵押权登记", "采矿权延续登记", "临时用地审批"]
    guides = [
        ServiceGuideFactory(name=name, initial="BCL"[i], published=True)
        for i, name in enumerate(names)
    ]
    ServiceGuideFactory(name="未发布的草稿事项")
    call_command("build_booklet", stdout=io.StringIO())
    path = booklet.booklet_file()
    content = path.read_bytes()
    assert content.startswith(b"%PDF-") and len(content) > 10_000
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the text cannot be checked")
    cover = pdf_text(path, 1)
    assert "行政审批服务指南" in cover and "江川市国土资源局" in cover
    contents = pdf_text(path, 2)
    assert "目" in contents and "未发布的草稿事项" not in contents
    for guide in guides:
        line = next(line for line in contents.splitlines() if guide.name in line)
        page = int(line.split()[-1].strip("."))
        # The number printed in the contents is the page where the guide's section starts.
        assert guide.name in pdf_text(path, page).splitlines()[:8].__str__()


@needs_font
def test_booklet_download_builds_once_on_demand(client):
    ServiceGuideFactory(published=True)
    assert not booklet.booklet_file().exists()
    response = client.get(reverse("services:booklet"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    built = booklet.booklet_file().stat().st_mtime
    client.get(reverse("services:booklet"))
    assert booklet.booklet_file().stat().st_mtime == built


@needs_font
def test_publishing_a_guide_rebuilds_the_booklet_after_commit(
    reviewer, django_capture_on_commit_callbacks
):
    guide = ServiceGuideFactory()
    guide.submit(by=guide.author)
    with django_capture_on_commit_callbacks(execute=True):
        guide.approve(by=reviewer, checklist=CHECKLIST)
    assert booklet.booklet_file().exists()


def test_stale_rebuild_request_is_skipped(monkeypatch):
    path = booklet.booklet_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 old")
    written = timezone.now().timestamp()  # the file's time by the same clock as the requests
    os.utime(path, (written, written))
    calls = []
    monkeypatch.setattr(booklet, "build_booklet", lambda: calls.append(1))
    old_request = (timezone.now() - timedelta(hours=1)).isoformat()
    assert rebuild_booklet.call(requested_at=old_request) == "skipped"
    assert rebuild_booklet.call(requested_at=(timezone.now() + timedelta(hours=1)).isoformat())
    assert calls == [1]


# Link check -----------------------------------------------------------------------------------
class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path.startswith("/ok") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_check_form_links_reports_missing_files_and_dead_links(local_server):
    good = ServiceGuideFactory(online_url=f"{local_server}/ok/330217001003")
    bad = ServiceGuideFactory(name="临时用地审批", online_url=f"{local_server}/gone")
    lost = MaterialForm.objects.filter(material__guide=bad).first()
    lost.file.storage.delete(lost.file.name)
    out = io.StringIO()
    with pytest.raises(CommandError, match="发现 2 处"):
        call_command("check_form_links", "--timeout", "2", stdout=out)
    report = out.getvalue()
    assert "临时用地审批" in report and "文件不存在" in report and "HTTP 404" in report
    assert good.code not in report


def test_check_form_links_all_good(local_server):
    ServiceGuideFactory(online_url=f"{local_server}/ok/1")
    out = io.StringIO()
    call_command("check_form_links", stdout=out)
    assert "均正常" in out.getvalue()


# Demo -----------------------------------------------------------------------------------------
def test_demo_is_idempotent_and_realistic(django_user_model):
    from portal import demo as portal_demo

    portal_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    counts = (
        ServiceGuide.objects.count(),
        MaterialForm.objects.count(),
        ApprovalResult.objects.count(),
        ServiceWindow.objects.count(),
        ServiceRating.objects.count(),
    )
    demo.load(stdout=io.StringIO())
    assert counts == (
        ServiceGuide.objects.count(),
        MaterialForm.objects.count(),
        ApprovalResult.objects.count(),
        ServiceWindow.objects.count(),
        ServiceRating.objects.count(),
    )
    assert all(guide.inconsistencies() == [] for guide in ServiceGuide.objects.all())
    # 好差评: about a third of the finished results rated; old 差评 put right, with a reply.
    figures = ServiceRating.objects.figures()
    assert figures["rated"] >= 40 and figures["good"] > figures["bad"]
    assert RectificationCase.objects.filter(status="rectified").exclude(rectification="").exists()
    assert counts[0] >= 15 and counts[2] >= 300
    assert ServiceGuide.objects.published().count() == counts[0]
    assert all(guide.missing_elements() == [] for guide in ServiceGuide.objects.all())
    names = set(ServiceGuide.objects.values_list("name", flat=True))
    assert {
        "国有建设用地使用权首次登记",
        "不动产抵押权登记",
        "采矿权新立登记",
        "临时用地审批",
    } <= names
    kinds = set(ApprovalResult.objects.values_list("applicant_kind", flat=True))
    assert kinds == {"person", "organisation"}
    assert ApprovalResult.objects.of_day().exists()
