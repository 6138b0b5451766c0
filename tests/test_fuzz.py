"""Fuzz the public site: random and hostile input to every public URL and form, zero 5xx.

URL patterns are read from the URLconf (the admin excluded), path parameters filled with random
ints and strings. Forms are found by reading the public pages for `<form method="post">`; each is
posted random and hostile values (the XSS corpus, control characters, huge and odd strings) with
a freshly solved anti-bot check. Any exception in a view fails the test (the test client re-raises).
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.captcha import solved_captcha
from tests.xss import PAYLOADS

pytestmark = pytest.mark.django_db

HOSTILE = [
    *PAYLOADS,
    "",
    " ",
    "\x00",
    "\ufeff\u200b",
    "'; DROP TABLE portal_user; --",
    "%00%0d%0aSet-Cookie: x=1",
    "../../../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "2026-02-30",
    "13800138000",
    "330106199001011234",
    "𠀀" * 300,
    "A" * 20000,
]
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
SKIPPED_PREFIXES = ("admin/", "captcha/", "media/", "static/")


def public_patterns(resolver=None, prefix=""):
    """Yield (route, converters) for every public route; regex routes without groups too."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            route, converters = str(pattern), dict(pattern.converters)
        elif not re.compile(pattern.regex.pattern).groups:
            route, converters = str(pattern).lstrip("^").rstrip("$"), {}
        else:
            continue
        full = prefix + route
        if full.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from (
                (r, {**converters, **c}) for r, c in public_patterns(entry, full) if r is not None
            )
        elif isinstance(entry, URLPattern):
            yield full, converters


ROUTES = sorted({route for route, _ in public_patterns()})


def fill(route, draw_value):
    def replace(match):
        converter, _name = match.group(1) or "str", match.group(2)
        return str(draw_value(converter))

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


@st.composite
def urls(draw):
    route = draw(st.sampled_from(ROUTES))

    def value(converter):
        if converter == "int":
            return draw(st.integers(min_value=0, max_value=2**63 - 1))
        if converter == "slug":
            return draw(st.from_regex(r"\A[-a-zA-Z0-9_]{1,40}\Z"))
        if converter == "uuid":
            return draw(st.uuids())
        return draw(st.from_regex(r"\A[^/?#\s]{1,40}\Z")).replace("%", "%25")

    query = draw(
        st.dictionaries(
            st.sampled_from(["page", "q", "kind", "year", "column", "sort"]), TEXT, max_size=3
        )
    )
    return "/" + fill(route, value) + ("?" + urlencode(query) if query else "")


def test_url_patterns_were_found():
    assert len(ROUTES) >= 10
    assert "" in ROUTES and "jggk/" in ROUTES


@settings(
    max_examples=150,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=urls())
def test_get_every_public_url_never_5xx(client, url):
    response = client.get(url)
    assert response.status_code < 500, url


class FormFinder(HTMLParser):
    """Collect the POST forms of a page: action and field names (with select options)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "textarea", "select"}:
            name = attrs.get("name")
            if name and attrs.get("type") not in {"submit", "button", "file"}:
                self._current["fields"].setdefault(name, [])
                if tag == "select":
                    self._select = name
        elif self._current is not None and tag == "option" and self._select:
            self._current["fields"][self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def discover_forms(client):
    forms = {}
    for route in ROUTES:
        if "<" in route:
            continue
        response = client.get("/" + route)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = FormFinder()
        finder.feed(response.text)
        for form in finder.forms:
            action = urlsplit(form["action"]).path or "/" + route
            forms.setdefault(action, form["fields"])
    return forms


@pytest.fixture
def public_forms(client):
    forms = discover_forms(client)
    # The admin login is public too; lockout and audit must cope with hostile usernames.
    forms.setdefault("/admin/login/", {"username": [], "password": []})
    return forms


def test_public_forms_were_found(public_forms):
    assert len(public_forms) >= 2


@settings(
    max_examples=120,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_post_hostile_input_to_every_public_form_never_5xx(client, public_forms, data):
    # Mostly the forms found on the pages; sometimes any public URL (rating pages and the like).
    action = data.draw(st.one_of(st.sampled_from(sorted(public_forms)), urls()))
    fields = public_forms.get(
        action, dict.fromkeys(["rating", "comment", "body", "query_code"], [])
    )
    payload = {}
    for name, options in fields.items():
        if options and data.draw(st.booleans()):
            payload[name] = data.draw(st.sampled_from(options))
        else:
            payload[name] = data.draw(TEXT)
    payload.update(solved_captcha())
    if data.draw(st.booleans()):
        payload[data.draw(st.sampled_from(["extra", "website", "id", "pk"]))] = data.draw(TEXT)
    response = client.post(action, payload, REMOTE_ADDR=f"10.9.{data.draw(st.integers(0, 255))}.1")
    assert response.status_code < 500, (action, payload)
