"""Site-wide pages: home, organisation, health probes and error answers."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import search as site_search
from .forms import SearchForm
from .models import Department, Leader, SearchEntry
from .pagecache import cache_public_page
from .pagination import paginate


@cache_public_page
def home(request):
    return render(request, "portal/home.html")


def organisation(request):
    """机构概况: leadership, the departments with their duties, and contacts."""
    context = {"departments": Department.objects.active(), "leaders": Leader.objects.current()}
    return render(request, "portal/organisation.html", context)


def site_map(request):
    return render(request, "portal/site_map.html")


def accessibility(request):
    return render(request, "portal/accessibility.html")


@never_cache
def healthz(request):
    """Liveness for load balancers; touches no database (the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready", never a 500
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def rate_limited(request, exception=None):
    """Answer a request that hit a rate limit, in Chinese, with 429."""
    return render(request, "429.html", status=429)


SEARCH_COUNT_CAP = 1000  # "1000+ results", as search engines say; counting more costs time


def search(request):
    """站内搜索 over every public row the apps put into the index."""
    form = SearchForm(request.GET or None, kinds=SearchEntry.KINDS)
    context = {"form": form, "query": ""}
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        entries = SearchEntry.objects.search(
            data["q"],
            kind=data["kind"],
            department=data["department"],
            year=data["year"],
            order=data["order"] or "relevance",
        )
        page = paginate(request, entries, cap=SEARCH_COUNT_CAP)
        page.object_list = list(page.object_list)
        terms = site_search.query_words(data["q"])
        for entry in page.object_list:
            entry.title_html = site_search.highlight(entry.title, terms)
            entry.snippet = site_search.highlight(
                entry.body, terms, length=site_search.SNIPPET_LENGTH
            )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(query=data["q"], page_obj=page, query_string=query.urlencode())
    return render(request, "portal/search.html", context)
