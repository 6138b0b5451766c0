"""Site-wide pages: home, organisation, search, health probes, error answers, and the admin's
two-factor pages (authenticator app and passkeys: enrol, verify, remove)."""

import datetime
import json
from base64 import b32encode

import segno
from django.contrib import admin, messages
from django.contrib.sitemaps import views as sitemap_views
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import search as site_search
from .audit import record
from .captcha import new_challenge
from .forms import PasskeyNameForm, SearchForm, TokenForm
from .middleware import has_two_factor_device
from .models import AuditEntry, Department, Leader, Passkey, SearchEntry, TwoFactorDevice
from .otp_issuer import totp_issuer
from .pagecache import SERVICES, SITEMAP, cache_public_page
from .pagination import paginate
from .sitemaps import SectionSitemap


@cache_public_page
def home(request):
    return render(request, "portal/home.html")


def organisation(request):
    """机构概况: leadership, the departments with their duties, and contacts."""
    context = {"departments": Department.objects.active(), "leaders": Leader.objects.current()}
    return render(request, "portal/organisation.html", context)


@cache_public_page(scopes=[SITEMAP, SERVICES])
def site_map(request, sitemaps):
    """网站地图: the fixed pages of every section of /sitemap.xml, with the column tree and the
    办事服务 themes, so that it lists what the site has and nothing typed by hand."""
    sections = [site() for site in sitemaps.values() if issubclass(site, SectionSitemap)]
    return render(request, "portal/site_map.html", {"sections": sections})


@cache_public_page(scopes=[SITEMAP])
def sitemap_index(request, sitemaps):
    """/sitemap.xml: the index of every section's pages (portal.sitemaps)."""
    return sitemap_views.index(request, sitemaps, sitemap_url_name="sitemap-section")


@cache_public_page(scopes=[SITEMAP])
def sitemap_section(request, sitemaps, section):
    """/sitemap-<section>.xml?p=<n>: one page of one section."""
    return sitemap_views.sitemap(request, sitemaps, section=section)


@cache_public_page
def robots_txt(request):
    """Let every crawler in except into the back office, and point it to the sitemap."""
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability of this site."""
    from django.conf import settings

    from .models import SiteSettings

    site = SiteSettings.load()
    contacts = list(settings.SECURITY_CONTACTS)
    if not contacts and site.email:
        contacts = [f"mailto:{site.email}"]
    if not contacts:
        contacts = [request.build_absolute_uri(reverse("complaints:message-create"))]
    host = site.domain or request.get_host()
    # A rolling date: the text is made from the current settings, so it is never older than them.
    expires = (timezone.now() + datetime.timedelta(days=settings.SECURITY_TXT_DAYS)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    lines = [f"Contact: {contact}" for contact in contacts]
    lines += [
        f"Expires: {expires.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: zh, en",
        f"Canonical: https://{host}{reverse('security-txt')}",
    ]
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """/favicon.ico, asked for by browsers and crawlers whatever the page links: the SVG icon."""
    return redirect(static("img/favicon.svg"))


def accessibility(request):
    return render(request, "portal/accessibility.html")


@never_cache
@require_GET
def captcha_challenge(request):
    """A fresh 人机验证 challenge for static/js/captcha.js (portal/captcha.py)."""
    return JsonResponse(new_challenge())


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


@cache_public_page(lifetime="SEARCH_PAGE_CACHE_SECONDS")
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
        context.update(
            query=data["q"],
            page_obj=page,
            query_string=query.urlencode(),
            partial=entries.is_partial,  # read with the window above
        )
    return render(request, "portal/search.html", context)


# Two-factor pages of the admin (authenticator app and passkeys) ------------------------------
PASSKEY_NAME_KEY = "_passkey_name"  # the name typed for the passkey being registered


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _admin_page(request, template, context):
    # Before the code is confirmed nothing of the admin is offered: no sidebar, no app list.
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,
            "available_apps": [],
            "issuer": totp_issuer(),
            **context,
        },
    )


def _passkey_context(request):
    """What the 两步验证 pages need for passkeys: the user's own, the name form, the endpoints."""
    form = PasskeyNameForm(user=request.user)
    if request.method == "POST" and "name" in request.POST:
        # The passkey form was sent without JavaScript: keep the name, say what is missing.
        form = PasskeyNameForm(request.POST, user=request.user)
        if form.is_valid():
            form.add_error(
                "name", "注册通行密钥需要浏览器启用 JavaScript，请启用后再点“注册通行密钥”"
            )
    return {
        "passkeys": Passkey.objects.filter(user=request.user, confirmed=True).order_by(
            "created_at"
        ),
        "passkey_form": form,
    }


def otp_enrol(request):
    """两步验证: the account's second factors. An authenticator app (scan the QR code or type the
    key, then a code) and passkeys (name one, register it; list and remove one's own)."""
    user = request.user
    context = {
        "title": "两步验证",
        "required": user.must_use_two_factor(),
        "has_factor": has_two_factor_device(request),
        "next": _safe_next(request),
        **_passkey_context(request),
    }
    confirmed = TwoFactorDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return _admin_page(request, "admin/portal/otp_enrol.html", {**context, "device": confirmed})
    device = TwoFactorDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TwoFactorDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    # Only the app's form posts a token; the passkey form posts here only without JavaScript.
    posted = request.POST if "token" in request.POST else None
    form = TokenForm(posted, device=device)
    if posted is not None:
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            if not user.is_verified():
                otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is in
            has_two_factor_device(request, refresh=True)
            record(AuditEntry.Kind.OTP_ENROLLED, user=user, request=request, detail="身份验证器")
            messages.success(request, "两步验证已启用。以后每次登录后需输入身份验证器中的验证码。")
            return redirect(_safe_next(request))
        record(AuditEntry.Kind.OTP_FAILED, user=user, request=request, detail="启用时验证码错误")
    key = b32encode(device.bin_key).decode()
    context.update(
        form=form,
        qr_svg=mark_safe(  # noqa: S308 - segno's own SVG markup, no user input in it
            segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)
        ),
        manual_key=" ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    )
    return _admin_page(request, "admin/portal/otp_enrol.html", context)


def otp_verify(request):
    """两步验证 after the password, once per login: a passkey (使用通行密钥) or the code of the
    authenticator app (使用验证码), whichever the account has."""
    user = request.user
    device = TwoFactorDevice.objects.filter(user=user, confirmed=True).first()
    has_passkey = Passkey.objects.filter(user=user, confirmed=True).exists()
    if device is None and not has_passkey:
        has_two_factor_device(request, refresh=True)
        return redirect(f"{reverse('admin:otp-enrol')}?next={_safe_next(request)}")
    if user.is_verified():
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None, device=device) if device else None
    if form is not None and request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once the second factor is in
            record(AuditEntry.Kind.OTP_VERIFIED, user=user, request=request, detail="身份验证器")
            return redirect(_safe_next(request))
        record(AuditEntry.Kind.OTP_FAILED, user=user, request=request, detail="登录时验证码错误")
    context = {
        "title": "两步验证",
        "form": form,
        "has_passkey": has_passkey,
        "next": _safe_next(request),
    }
    return _admin_page(request, "admin/portal/otp_verify.html", context)


@require_POST
def passkey_remove(request, pk):
    """Remove one of one's own passkeys (a lost or replaced key) from the 两步验证 page."""
    passkey = Passkey.objects.filter(user=request.user, pk=pk).first()
    if passkey is None:
        messages.error(request, "未找到该通行密钥，可能已被删除。")
        return redirect("admin:otp-enrol")
    passkey.delete()
    has_two_factor_device(request, refresh=True)
    record(
        AuditEntry.Kind.OTP_RESET,
        user=request.user,
        request=request,
        detail=f"本人删除通行密钥“{passkey.name}”",
    )
    messages.success(request, f"通行密钥“{passkey.name}”已删除。")
    return redirect("admin:otp-enrol")


# Passkey ceremonies: django-otp-webauthn's JSON views, in Chinese, audited, and served inside the
# admin (staff only, CSRF-checked). Our static/js/passkey.js calls them.
class PasskeyApiErrors:
    """Answer every error as JSON with a Chinese message: the library's own (English) and
    malformed input alike, so that no request shows a 500."""

    MESSAGES = {
        "user_not_verified": "请先用已启用的两步验证方式完成验证，再注册新的通行密钥",
        "credential_not_found": "未找到该通行密钥，可能已被删除，请改用其他方式验证",
        "credential_user_mismatch": "该通行密钥不属于当前登录的账号",
        "credential_disabled": "该通行密钥已停用",
        "user_disabled": "账号已停用",
        "invalid_state": "验证已过期，请重试",
    }

    def handle_exception(self, exc):
        if isinstance(exc, webauthn_exceptions.OTPWebAuthnApiError):
            status, code = exc.status_code, exc.code
        elif isinstance(exc, (KeyError, TypeError, ValueError, AttributeError)):
            status, code = 400, "malformed_request"
        else:
            raise exc
        self.failed(code)
        detail = self.MESSAGES.get(code, "通行密钥验证未通过，请重试或改用其他方式")
        return JsonResponse({"detail": detail, "code": code}, status=status)

    def failed(self, code):
        """Hook: what a failed ceremony leaves behind (nothing, unless a subclass says so)."""


class PasskeyRegistrationBegin(PasskeyApiErrors, BeginCredentialRegistrationView):
    """Check the name first (a field error in Chinese), then hand out the creation options."""

    def post(self, *args, **kwargs):
        form = PasskeyNameForm(self.request.data, user=self.request.user)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors, "code": "invalid_name"}, status=400)
        self.request.session[PASSKEY_NAME_KEY] = form.cleaned_data["name"]
        return super().post(*args, **kwargs)


class PasskeyRegistrationComplete(PasskeyApiErrors, CompleteCredentialRegistrationView):
    """Store the new passkey under its name; a first second factor verifies the session."""

    def post(self, *args, **kwargs):
        name = self.request.session.pop(PASSKEY_NAME_KEY, "") or "通行密钥"
        response = super().post(*args, **kwargs)
        passkey = Passkey.objects.get(pk=json.loads(response.content)["id"])
        passkey.name = name
        passkey.save(update_fields=["name"])
        request = self.request
        request.session.cycle_key()  # a new session id once the second factor is in
        has_two_factor_device(request, refresh=True)
        record(
            AuditEntry.Kind.OTP_ENROLLED,
            user=request.user,
            request=request,
            detail=f"通行密钥“{name}”",
        )
        messages.success(request, f"通行密钥“{name}”已注册。以后登录时可用它完成两步验证。")
        return JsonResponse({"id": passkey.pk, "redirect_url": _safe_next(request)})

    def failed(self, code):
        record(
            AuditEntry.Kind.OTP_FAILED,
            user=self.request.user,
            request=self.request,
            detail=f"注册通行密钥未成功（{code}）",
        )


class PasskeyAuthenticationBegin(PasskeyApiErrors, BeginCredentialAuthenticationView):
    """The request options for the logged-in user's own passkeys."""


class PasskeyAuthenticationComplete(PasskeyApiErrors, CompleteCredentialAuthenticationView):
    """Check the signed challenge; the session is then verified, with a new id, and audited."""

    def complete_auth(self, device):
        super().complete_auth(device)
        self.request.session.cycle_key()  # a new session id once the second factor is in
        record(
            AuditEntry.Kind.OTP_VERIFIED,
            user=self.request.user,
            request=self.request,
            detail=f"通行密钥“{device.name}”",
        )

    def get_success_url(self):
        return self.get_redirect_url() or reverse("admin:index")

    def failed(self, code):
        record(
            AuditEntry.Kind.OTP_FAILED,
            user=self.request.user,
            request=self.request,
            detail=f"登录时通行密钥验证未通过（{code}）",
        )
