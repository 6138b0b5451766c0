"""Pages for the page-cache tests (and the site's own, which the middleware needs): one with a
CSRF token, one with an inline script and its CSP nonce, one plain (the door must store only the
plain one)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from portal.pagecache import cache_public_page

TEMPLATES = {
    "plain": "<p>公开页面</p>",
    "form": '<form method="post">{% csrf_token %}<button>提交</button></form>',
    "nonce": '<script nonce="{{ csp_nonce }}">document.title = "脚本";</script>',
}


def page(name):
    template = engines["django"].from_string(TEMPLATES[name])

    @cache_public_page
    def view(request):
        return HttpResponse(template.render({}, request))

    return view


urlpatterns = [
    *(path(f"test-pages/{name}/", page(name), name=name) for name in TEMPLATES),
    path("", include("portal.urls")),
]
