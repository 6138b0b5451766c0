"""The page chrome every public page shares: the header with the main navigation, and the
footer with the bureau's identity. Both are the same on every page but for a few request-bound
details, so each is rendered once per worker while the content version stands
(`portal.pagecache.per_version`; settings, departments and columns moving it on) for each of
those details, and pasted into the page: rendering them on every page cost about a fifth of an
uncached column page.

- The header varies only by the main-navigation entry marked `aria-current` (one of six) and the
  words in its search box: a page with `?q=` renders its own header.
- The footer varies only by the page's own address in the 网站纠错 link, put in after the memo.
- The head's stylesheet and scripts (hashed static names) are one fixed fragment.

The fragments are rendered with their own small context (the settings and those details), never
the page's: nothing of one reader's request can reach another's page.
"""

from urllib.parse import quote

from django.template.loader import get_template
from django.utils.safestring import mark_safe

from .models import SiteSettings
from .pagecache import per_version

NAV_NAMESPACES = ("disclosure", "services", "complaints")
NAV_PAGES = ("home", "organisation")
_PATH_MARK = "__PAGE_PATH__"  # replaced by the page's address in the footer


def site_settings():
    """Return the bureau's settings, read once per worker and content version."""
    return per_version("portal:site-settings", SiteSettings.load)


def nav_place(request):
    """Return the main-navigation entry the page belongs to ("" for none)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if not match.namespace and match.url_name in NAV_PAGES:
        return match.url_name
    return match.namespace if match.namespace in NAV_NAMESPACES else ""


def _render(template_name, **values):
    """Return the fragment's HTML (safe: a rendered template) from its own small context."""
    return get_template(template_name).render({"site": site_settings(), **values})


def header(request):
    """Return the page header's HTML for request."""
    place = nav_place(request)
    words = request.GET.get("q", "") if request is not None else ""
    if words:
        return _render("includes/header.html", place=place, q=words)
    return per_version(
        ("portal:chrome:header", place),
        lambda: _render("includes/header.html", place=place, q=""),
    )


def footer(request):
    """Return the page footer's HTML for request (its 网站纠错 link names the page)."""
    html = per_version(
        "portal:chrome:footer", lambda: _render("includes/footer.html", page_path=_PATH_MARK)
    )
    path = quote(request.path, safe="/") if request is not None else ""
    # A rendered template with a percent-encoded address put in (only [A-Za-z0-9%/._~-]).
    return mark_safe(html.replace(_PATH_MARK, path))  # noqa: S308


def head_assets():
    """Return the head's favicon, stylesheet and scripts (their hashed static addresses)."""
    return per_version("portal:chrome:head", lambda: _render("includes/head_assets.html"))
