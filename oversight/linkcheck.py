"""The walk of the public site as the national crawlers make it, and the link checker.

Every page reachable from the homepage and every attachment is requested in-process with
Django's test `Client` (no network, no running server needed), up to a page cap. Pagination is
followed a few pages deep per list and search result pages are not followed. External links are
only collected; they are checked (HEAD, short timeout) only where `INSPECTION_CHECK_EXTERNAL_LINKS`
allows the network, and a link that was not checked is reported as not checked, never as working.
"""

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import Resolver404, resolve, reverse

PAGE_LIMIT = 5000  # default of settings.INSPECTION_PAGE_LIMIT: pages and attachments per run
PAGES_PER_LIST = 3  # list pages followed per list (?page=1..3); crawlers sample, not exhaust
VARIANTS_PER_PATH = 10  # filtered variants (?year=…&department=…) followed per list path
EXTERNAL_TIMEOUT = 5  # seconds, default of settings.INSPECTION_EXTERNAL_TIMEOUT
SKIPPED_PREFIXES = ("/admin/", "/static/", "/captcha/", "/api/v1/docs")
# Pages that carry a dated document: the indicators deduct when one shows no publication date.
DATED_PAGE_NAMES = {"disclosure:item-detail"}
ATTACHMENT_NAMES = {
    "disclosure:attachment",
    "complaints:consultation-file",
    "services:form-download",
    "services:booklet",
}
DATE_PATTERN = re.compile(r'name="PubDate"|发布日期[：:]\s*\d{4}')
LINK_ATTRIBUTES = {"a": "href", "area": "href", "img": "src", "iframe": "src", "embed": "src"}


class LinkParser(HTMLParser):
    """Collect the href/src of links, images and frames of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        name = LINK_ATTRIBUTES.get(tag)
        if name is None:
            return
        value = dict(attrs).get(name)
        if value:
            self.links.append(value.strip())


def page_links(html):
    """Return the link targets of an HTML page, in document order."""
    parser = LinkParser()
    parser.feed(html)
    return parser.links


@dataclass
class Visit:
    url: str
    status: int
    source: str  # the page the walk found the link on ("" for the homepage)
    is_page: bool = False  # an HTML page (parsed) rather than an attachment or feed
    is_undated: bool = False


@dataclass
class Walk:
    """What the walk saw: each internal URL requested, broken ones, external links."""

    visits: list = field(default_factory=list)
    external: dict = field(default_factory=dict)  # url -> first source page
    external_broken: list = field(default_factory=list)  # (url, source, reason)
    has_checked_external: bool = False
    is_limit_reached: bool = False
    link_count: int = 0

    @property
    def pages(self):
        return [visit for visit in self.visits if visit.is_page]

    @property
    def attachments(self):
        return [visit for visit in self.visits if not visit.is_page]

    @property
    def broken(self):
        return [visit for visit in self.visits if visit.status >= 400]

    def status_of(self, url):
        return next((visit.status for visit in self.visits if visit.url == url), None)


def site_hosts():
    """Return the host names that count as this site (links to them are internal)."""
    from portal.models import SiteSettings  # noqa: PLC0415

    hosts = {host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}}
    domain = SiteSettings.load().domain
    if domain:
        hosts.add(urlsplit(domain if "//" in domain else f"//{domain}").hostname or domain)
    return hosts | {"testserver", "localhost", "127.0.0.1"}


def request_host():
    """Return the Host header the walk sends: one the site accepts."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    return hosts[0] if hosts else "testserver"


def normalise(href, base, hosts):
    """Return ("internal", path?query) / ("external", url) / None for a link found on base."""
    href = href.replace("&amp;", "&")
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    url, _ = urldefrag(urljoin(f"http://testserver{base}", href))
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return None
    if parts.hostname not in hosts:
        return "external", url
    path = parts.path or "/"
    return "internal", f"{path}?{parts.query}" if parts.query else path


def is_followed(target, *, search_path, variants):
    """Return whether the walk requests an internal target (the crawl's bounds)."""
    path, _, query = target.partition("?")
    if path.startswith(SKIPPED_PREFIXES):
        return False
    if not query:
        return True
    if path == search_path:
        return False  # search result pages are not crawled (the search check asks once)
    params = dict(parse_qsl(query))
    page = params.pop("page", "1")
    if not page.isdigit() or int(page) > PAGES_PER_LIST:
        return False
    if params:
        variants.setdefault(path, set()).add(query)
        return len(variants[path]) <= VARIANTS_PER_PATH
    return True


def is_dated_page(path):
    try:
        return resolve(path).view_name in DATED_PAGE_NAMES
    except Resolver404:
        return False


def media_status(path):
    """Return 200 when an uploaded file behind /media/ exists, 404 when it does not."""
    name = path.removeprefix(settings.MEDIA_URL).split("?")[0]
    return 200 if name and default_storage.exists(name) else 404


def inspection_client():
    """Return the in-process client the walk requests pages with (errors become responses)."""
    return Client(HTTP_HOST=request_host(), raise_request_exception=False)


def is_attachment(url):
    """Return whether a URL is a downloadable file rather than a page."""
    path = url.partition("?")[0]
    if path.startswith(settings.MEDIA_URL):
        return True
    try:
        return resolve(path).view_name in ATTACHMENT_NAMES
    except Resolver404:
        return False


def walk_site(*, limit=None, client=None) -> Walk:
    """Walk the public site from the homepage, breadth first, up to `limit` URLs."""
    limit = limit or getattr(settings, "INSPECTION_PAGE_LIMIT", PAGE_LIMIT)
    client = client or inspection_client()
    secure = getattr(settings, "SECURE_SSL_REDIRECT", False)
    hosts = site_hosts()
    search_path = reverse("search")
    walk = Walk()
    queue, seen, variants = [("/", "")], {"/"}, {}
    while queue:
        url, source = queue.pop(0)
        if len(walk.visits) >= limit:
            walk.is_limit_reached = True
            break
        if url.startswith(settings.MEDIA_URL):
            walk.visits.append(Visit(url, media_status(url), source))
            continue
        response = client.get(url, secure=secure)
        content_type = response.get("Content-Type", "")
        is_page = response.status_code == 200 and content_type.startswith("text/html")
        if response.status_code in {301, 302, 303, 307, 308}:
            location = response.get("Location", "")
            found = normalise(location, url, hosts)
            if found and found[0] == "internal" and found[1] not in seen:
                seen.add(found[1])
                queue.append((found[1], source))
        visit = Visit(url, response.status_code, source, is_page=is_page)
        walk.visits.append(visit)
        if not is_page:
            if response.streaming:
                # Read through the client's own wrapper, which closes the file with
                # close_old_connections held off: closing it here would fire that signal and
                # close the database connection of a caller's transaction.
                for _chunk in response.streaming_content:
                    pass
            continue
        html = response.content.decode(response.charset or "utf-8", "replace")
        path = url.partition("?")[0]
        visit.is_undated = is_dated_page(path) and not DATE_PATTERN.search(html)
        for href in page_links(html):
            found = normalise(href, url, hosts)
            if found is None:
                continue
            kind, target = found
            if kind == "external":
                walk.external.setdefault(target, url)
                continue
            walk.link_count += 1
            if target in seen or not is_followed(
                target, search_path=search_path, variants=variants
            ):
                continue
            seen.add(target)
            queue.append((target, url))
    if getattr(settings, "INSPECTION_CHECK_EXTERNAL_LINKS", False):
        walk.has_checked_external = True
        for url, source in walk.external.items():
            reason = check_external(url)
            if reason:
                walk.external_broken.append((url, source, reason))
    return walk


def check_external(url):
    """Return why an external link does not answer, or "" when it does (HEAD, short timeout)."""
    timeout = getattr(settings, "INSPECTION_EXTERNAL_TIMEOUT", EXTERNAL_TIMEOUT)
    # Only http(s) URLs reach here (normalise() drops every other scheme).
    request = urllib.request.Request(  # noqa: S310
        url, method="HEAD", headers={"User-Agent": "site-inspection"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return "" if response.status < 400 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        if exc.code == 405:  # HEAD not allowed: the page may still answer
            return ""
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return f"无法连接（{exc.__class__.__name__}）"
