"""The security audit log (安全审计): who logged in, out, failed, was locked out, or got new roles.

Django's auth signals, django-axes' lockout signal and changes of a user's groups write
`AuditEntry` rows. Entries are kept at least settings.AUDIT_RETENTION_DAYS (180) days;
`manage.py prune_audit_log` deletes older ones. Personal data never goes into the detail text.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from .middleware import OTP_DEVICE_KEY, has_two_factor_device, start_idle_clock
from .models import AuditEntry

logger = logging.getLogger("portal.audit")


def client_ip(request):
    """Return the visitor's address as Django saw it (REMOTE_ADDR), or None.

    The one home of the address stored with submissions and audit entries; the rate limits
    (django-ratelimit's "ip" key) and the login lockouts (django-axes without ipware) read the
    same REMOTE_ADDR, so all three agree on who a visitor is.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind, *, user=None, username="", request=None, detail=""):
    """Write one audit entry, and the same line to the log."""
    username = (username or getattr(user, "username", "") or "")[:150]
    entry = AuditEntry.objects.create(
        kind=kind,
        user=user if getattr(user, "pk", None) else None,
        username=username,
        ip_address=client_ip(request),
        detail=detail[:300],
    )
    logger.info("%s user=%s ip=%s %s", kind, username, entry.ip_address, detail)
    return entry


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender, request, user, **kwargs):
    record(AuditEntry.Kind.LOGIN, user=user, request=request)
    if request is not None:
        start_idle_clock(request)
        if hasattr(request, "session"):
            request.session.pop(OTP_DEVICE_KEY, None)
            has_two_factor_device(request, user=user)  # once per login, saved with the session


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None or getattr(request, "_audit_logout_recorded", False):
        return
    record(AuditEntry.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    user = get_user_model().objects.filter(username=username).first()
    record(AuditEntry.Kind.LOGIN_FAILED, user=user, username=username, request=request)


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    record(
        AuditEntry.Kind.LOCKOUT,
        user=user,
        username=username or "",
        request=request,
        detail="连续登录失败次数过多，账号已暂时锁定",
    )


def _acting_request():
    """Return the request being served, if any (simple_history's middleware keeps it), so that
    changes made through the admin name who made them."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _by(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"（操作人：{user.username}）"
    return ""


def _describe(model, pks):
    names = model.objects.filter(pk__in=pks).values_list("name", flat=True)
    return "、".join(str(name) for name in names)


@receiver(m2m_changed, dispatch_uid="audit-user-groups")
def audit_role_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Record role (group) and single-permission changes of a user, from either side."""
    User = get_user_model()
    if sender not in (User.groups.through, User.user_permissions.through):
        return
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    kind = (
        AuditEntry.Kind.ROLES_CHANGED
        if sender is User.groups.through
        else AuditEntry.Kind.PERMISSIONS_CHANGED
    )
    verb = {"post_add": "增加", "post_remove": "移除", "pre_clear": "清空"}[action]
    request = _acting_request()
    if reverse:  # group.user_set.add(user) / permission.user_set.remove(...)
        users = User.objects.filter(pk__in=pk_set or [])
        for user in users:
            record(kind, user=user, request=request, detail=f"{verb}：{instance}{_by(request)}")
        return
    if action == "pre_clear":
        related = instance.groups if sender is User.groups.through else instance.user_permissions
        pk_set = set(related.values_list("pk", flat=True))
        if not pk_set:
            return
    if not pk_set:
        return
    if sender is User.groups.through:
        detail = f"{verb}角色：{_describe(model, pk_set)}"
    else:
        names = model.objects.filter(pk__in=pk_set).values_list("codename", flat=True)
        detail = f"{verb}权限：{'、'.join(names)}"
    record(kind, user=instance, request=request, detail=f"{detail}{_by(request)}")


ACCOUNT_FLAGS = {"is_active": "启用", "is_staff": "可登录后台", "is_superuser": "超级管理员"}


@receiver(pre_save, dispatch_uid="audit-user-flags")
def audit_account_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    """Record a change of the flags that grant access (active, staff, superuser)."""
    if raw or sender is not get_user_model() or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return  # last_login and the like: no flag can change
    before = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    if before is None:
        return
    changes = [
        f"{label}：{'是' if before[flag] else '否'}→{'是' if getattr(instance, flag) else '否'}"
        for flag, label in ACCOUNT_FLAGS.items()
        if before[flag] != getattr(instance, flag)
    ]
    if changes:
        request = _acting_request()
        record(
            AuditEntry.Kind.PERMISSIONS_CHANGED,
            user=instance,
            request=request,
            detail="；".join(changes) + _by(request),
        )
