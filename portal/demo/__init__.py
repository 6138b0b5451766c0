"""Demo bureau: departments, the bureau's settings and one staff account per role.

Every app may have a `demo` package with a `load(*, stdout)` function; `manage.py load_demo`
calls them in the order of INSTALLED_APPS. Each must be idempotent: running it again changes
nothing. The texts are data: TOML files beside the loader (here `bureau.toml`), read with
`read_data()`; the loader creates the rows through the models' own methods and transitions.
"""

import secrets
import tomllib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group

from portal import roles
from portal.models import Department, Leader, SiteSettings, User


def read_data(module_file, name):
    """Return the TOML data file `name` that lies beside the demo module `module_file`."""
    return tomllib.loads((Path(module_file).parent / name).read_text(encoding="utf-8"))


BUREAU = read_data(__file__, "bureau.toml")


def load(*, stdout):
    SiteSettings.objects.update_or_create(pk=1, defaults=BUREAU["site"])
    for order, fields in enumerate(BUREAU["department"], start=1):
        fields = dict(fields, order=order * 10)
        Department.objects.update_or_create(code=fields.pop("code"), defaults=fields)
    for order, fields in enumerate(BUREAU["leader"], start=1):
        fields = dict(fields, order=order * 10)
        Leader.objects.get_or_create(name=fields.pop("name"), defaults=fields)
    stdout.write(
        f"科室 {Department.objects.count()} 个，领导 {Leader.objects.count()} 名，网站设置已更新。"
    )
    load_accounts(stdout=stdout)


def read_accounts_file(path):
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t")[:2] for line in lines if line.count("\t") >= 2)


def load_accounts(*, stdout):
    """Create one account per role; new passwords are random, written once and printed once."""
    accounts_file = settings.DEMO_ACCOUNTS_FILE
    known = read_accounts_file(accounts_file)
    lines, changed = [], False
    for account in BUREAU["account"]:
        username, full_name = account["username"], account["full_name"]
        role = getattr(roles, account["role"].upper())
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "is_staff": True,
                "department": Department.objects.get(code=account["department"]),
            },
        )
        user.groups.add(Group.objects.get(name=role))
        if role in roles.NOTIFIED_ROLES and not user.email:
            # Roles that get workflow notices need an address (portal.roles.account_errors).
            user.email = f"{username}@jiangchuan.example.gov.cn"
            user.save(update_fields=["email"])
        password = known.get(username)
        if created or password is None or not user.check_password(password):
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save(update_fields=["password"])
            changed = True
        lines.append(f"{username}\t{password}\t{role}（{full_name}，{user.department}）")
    if changed:
        accounts_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        accounts_file.chmod(0o600)
        stdout.write(f"演示账号（密码已写入 {accounts_file.name}，仅显示这一次）：")
        for line in lines:
            stdout.write("  " + line.replace("\t", "  "))
    else:
        stdout.write(f"演示账号未变，见 {accounts_file.name}。")
