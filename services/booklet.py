"""The printed booklet 《行政审批服务指南》: every published guide in one PDF, with contents.

WeasyPrint renders `services/booklet.html`; the table of contents takes its page numbers from
`target-counter(attr(href), page)`. The file is written next to the other uploads (MEDIA_ROOT) under
a fixed name, atomically, so a download never sees half a file.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from portal.models import SiteSettings

BOOKLET_PATH = "booklets/xingzheng-shenpi-fuwu-zhinan.pdf"
DOWNLOAD_NAME = "行政审批服务指南.pdf"
TITLE = "行政审批服务指南"


def booklet_file() -> Path:
    """Return where the booklet lives on disk."""
    return Path(settings.MEDIA_ROOT) / BOOKLET_PATH


def is_newer_than(moment) -> bool:
    """Return whether the booklet on disk was built after moment."""
    path = booklet_file()
    return path.exists() and path.stat().st_mtime > moment.timestamp()


def render_booklet_html(*, now=None) -> str:
    """Return the booklet's HTML: cover, contents, one section per published guide."""
    from services.models import ServiceGuide, ServiceTheme

    guides = list(
        ServiceGuide.objects.published().for_detail().order_by("theme__order", "initial", "name")
    )
    themes = []
    for theme in ServiceTheme.objects.all():
        members = [guide for guide in guides if guide.theme_id == theme.pk]
        if members:
            themes.append((theme, members))
    context = {
        "site": SiteSettings.load(),
        "themes": themes,
        "guides": guides,
        "title": TITLE,
        "built_at": timezone.localtime(now or timezone.now()),
    }
    return render_to_string("services/booklet.html", context)


def build_booklet(*, now=None) -> Path:
    """Render the booklet to MEDIA_ROOT and return its path."""
    from weasyprint import HTML

    html = render_booklet_html(now=now)
    target = booklet_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    static_root = Path(settings.BASE_DIR) / "static"
    fd, temporary = tempfile.mkstemp(suffix=".pdf", dir=target.parent)
    os.close(fd)
    try:
        HTML(string=html, base_url=str(static_root)).write_pdf(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
