"""System checks of our own, run by `manage.py check --deploy`."""

from django.core.checks import Warning, register
from django.db import connection


@register(deploy=True)
def check_database_encoding(app_configs, databases=None, **kwargs):
    """PostgreSQL must store and sort Chinese text as UTF-8 (encoding and ctype)."""
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datctype FROM pg_database "
                "WHERE datname = current_database()"
            )
            encoding, ctype = cursor.fetchone()
    except Exception:  # noqa: BLE001 — no database to look at (pool timeout, missing database):
        return []  # migrate will say so; a check must not crash the command
    if encoding.upper() != "UTF8" or "utf" not in ctype.lower().replace("-", ""):
        return [
            Warning(
                f"数据库编码为 {encoding}，字符分类（ctype）为 {ctype}：中文检索和排序需要 UTF-8。",
                hint="用 createdb -E UTF8 --locale=C.UTF-8 -T template0 重建数据库后迁入数据。",
                id="portal.W001",
            )
        ]
    return []


@register(deploy=True)
def check_site_identity(app_configs, databases=None, **kwargs):
    """In production the footer must carry every identity element the national inspection reads."""
    from django.conf import settings

    from .models import SiteSettings

    if settings.DEBUG:
        return []
    try:
        missing = SiteSettings.load().missing_identity_elements()
    except Exception:  # noqa: BLE001 — no database or no table yet: migrate will say so
        return []
    if not missing:
        return []
    return [
        Warning(
            f"网站设置缺少检查指标要求的网站标识：{'、'.join(missing)}。",
            hint="在管理后台“网站设置”中填写（党政机关网站标识需上传机构编制部门核发的图片）。",
            obj="portal.SiteSettings",
            id="portal.W002",
        )
    ]


PER_PROCESS_CACHES = ("LocMemCache", "DummyCache", "FileBasedCache")


@register(deploy=True)
def check_shared_cache(app_configs, databases=None, **kwargs):
    """Without a shared cache every gunicorn worker counts rate limits on its own.

    The rate-limit package's own check says the same but is silenced so that `make run` (one
    process, no Redis) starts cleanly; in production this warning takes its place.
    """
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or not backend.endswith(PER_PROCESS_CACHES):
        return []
    return [
        Warning(
            f"没有配置共享缓存（当前为 {backend.rsplit('.', 1)[-1]}）：公众表单的访问频率限制、"
            "页面缓存和内容安全词库版本只在单个进程内有效，多个工作进程时限额按进程各算一份。",
            hint="设置环境变量 CACHE_URL=redis://…（所有 gunicorn 工作进程和任务进程共用）。",
            id="portal.W003",
        )
    ]


@register(deploy=True)
def check_admin_networks(app_configs, databases=None, **kwargs):
    """等保 asks that management be reached from the management network only."""
    from django.conf import settings

    if settings.DEBUG or settings.ADMIN_ALLOWED_NETWORKS:
        return []
    return [
        Warning(
            "管理后台可从任何网络访问：没有设置 ADMIN_ALLOWED_NETWORKS。",
            hint="设置为本单位办公网络和 VPN 的网段（CIDR，逗号分隔），"
            "如 10.20.0.0/16,192.168.8.0/24。",
            id="portal.W004",
        )
    ]


SUPERUSER_DAILY_USE_DAYS = 30


@register(deploy=True)
def check_separated_admin_roles(app_configs, databases=None, **kwargs):
    """三员: no superuser for daily work, no account holding two of the three roles."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from . import roles
    from .models import User

    if settings.DEBUG:
        return []
    warnings = []
    try:
        recent = timezone.now() - timedelta(days=SUPERUSER_DAILY_USE_DAYS)
        daily = list(
            User.objects.filter(is_superuser=True, is_active=True, last_login__gte=recent)
            .order_by("username")
            .values_list("username", flat=True)
        )
        held = {}
        for username, role in User.objects.filter(
            is_active=True, groups__name__in=roles.ALL_ROLES
        ).values_list("username", "groups__name"):
            held.setdefault(username, set()).add(role)
    except Exception:  # noqa: BLE001 — no database or no table yet: migrate will say so
        return []
    if daily:
        warnings.append(
            Warning(
                f"超级管理员账号在近 {SUPERUSER_DAILY_USE_DAYS} 天内登录过：{'、'.join(daily)}。"
                "日常工作应使用系统管理员、安全管理员、审计管理员等角色账号。",
                hint="为日常工作建立角色账号，超级管理员仅在初始化和应急时使用。",
                id="portal.W005",
            )
        )
    for username, names in sorted(held.items()):
        errors = roles.separation_errors(names)
        if errors:
            warnings.append(
                Warning(
                    f"账号 {username} 的角色违反三员分立：{'；'.join(errors)}。",
                    hint="由安全管理员在“工作人员”中调整该账号的角色。",
                    obj=username,
                    id="portal.W006",
                )
            )
    return warnings
