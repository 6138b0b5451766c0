"""Demo bureau: departments, the bureau's settings and one staff account per role.

Every app may have a `demo.py` with a `load(*, stdout)` function; `manage.py load_demo` calls them
in the order of INSTALLED_APPS. Each must be idempotent: running it again changes nothing.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group

from . import roles
from .models import Department, Leader, SiteSettings, User

SITE = {
    "bureau_name": "江川市国土资源局",
    "site_name": "江川市国土资源局",
    "org_code": "00319356-6",
    "address": "江川市滨江区府前路88号国土资源大楼",
    "postcode": "330201",
    "phone": "0571-87061234",
    "fax": "0571-87061200",
    "email": "gtj@jiangchuan.example.gov.cn",
    "office_hours": "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）",
    "site_code": "3302000012",
    "icp_number": "浙ICP备05012345号-1",
    "police_number": "浙公网安备 33020002000123号",
}

DEPARTMENTS = [
    (
        "办公室",
        "bgs",
        "负责机关日常运转，承担文电、会务、机要、档案、政务公开、保密、信访、安全等工作。",
        "王建国",
        "0571-87061201",
        "国土资源大楼3楼301室",
    ),
    (
        "政策法规科",
        "zcfg",
        "起草土地、矿产资源管理的规范性文件；承担行政复议、行政应诉和规范性文件合法性审查工作。",
        "李明",
        "0571-87061211",
        "国土资源大楼3楼305室",
    ),
    (
        "规划科",
        "ghk",
        "组织编制和实施国土空间规划、土地利用总体规划；承担建设项目用地预审和建设用地规划许可工作。",
        "陈晓峰",
        "0571-87061221",
        "国土资源大楼4楼401室",
    ),
    (
        "耕地保护科",
        "gdbh",
        "承担耕地保护和永久基本农田管理，组织实施耕地占补平衡、土地整治和土地复垦工作。",
        "赵卫东",
        "0571-87061231",
        "国土资源大楼4楼408室",
    ),
    (
        "地籍与不动产登记科",
        "bdcdj",
        "承担地籍调查、土地确权和不动产统一登记工作，指导不动产登记中心业务。",
        "周丽华",
        "0571-87061241",
        "市民中心二楼不动产登记大厅",
    ),
    (
        "土地利用管理科",
        "tdly",
        "承担建设用地供应、国有土地使用权出让、划拨和土地征收报批及补偿安置监督工作。",
        "孙志刚",
        "0571-87061251",
        "国土资源大楼5楼502室",
    ),
    (
        "矿产资源管理科",
        "kczy",
        "承担矿产资源开发利用监督管理、采矿权出让和登记、地质灾害防治和矿山地质环境保护工作。",
        "吴海涛",
        "0571-87061261",
        "国土资源大楼5楼510室",
    ),
    (
        "执法监察支队",
        "zfjc",
        "依法查处土地、矿产资源违法行为，开展动态巡查和卫片执法检查。",
        "郑国平",
        "0571-87061271",
        "国土资源大楼1楼105室",
    ),
    (
        "信息中心",
        "xxzx",
        "承担局门户网站、政务信息系统和国土资源数据库的建设与运行维护。",
        "冯小军",
        "0571-87061281",
        "国土资源大楼6楼601室",
    ),
]

LEADERS = [
    (
        "张建华",
        "党组书记、局长",
        "主持局全面工作，分管办公室、政策法规科。",
        "张建华，男，1971年生，汉族，研究生学历，中共党员。曾任江川市规划局副局长，2019年起任现职。",
    ),
    (
        "李红梅",
        "党组成员、副局长",
        "分管规划科、土地利用管理科、地籍与不动产登记科。",
        "李红梅，女，1975年生，汉族，大学学历，中共党员。曾任本局地籍与不动产登记科科长。",
    ),
    (
        "王志远",
        "党组成员、副局长",
        "分管耕地保护科、矿产资源管理科、执法监察支队。",
        "王志远，男，1973年生，汉族，大学学历，中共党员。曾任本局执法监察支队支队长。",
    ),
    (
        "陈立新",
        "党组成员、总工程师",
        "分管信息中心，协助分管国土空间规划工作。",
        "陈立新，男，1978年生，汉族，研究生学历，高级工程师。曾任市测绘院副院长。",
    ),
]

# username, full name, department code, role
ACCOUNTS = [
    ("xinxiyuan", "刘晓梅", "zcfg", roles.OFFICER),
    ("shenheyuan", "黄志强", "bgs", roles.REVIEWER),
    ("kezhang", "周丽华", "bdcdj", roles.DEPARTMENT_HEAD),
    ("tdkezhang", "孙国平", "tdly", roles.DEPARTMENT_HEAD),
    ("gongkaiban", "何静", "bgs", roles.DISCLOSURE_OFFICE),
    ("juzhang", "马德华", "bgs", roles.LEADERSHIP),
]


def load(*, stdout):
    SiteSettings.objects.update_or_create(pk=1, defaults=SITE)
    for order, (name, code, duties, head, phone, address) in enumerate(DEPARTMENTS, start=1):
        Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "duties": duties,
                "head": head,
                "phone": phone,
                "address": address,
                "order": order * 10,
            },
        )
    for order, (name, position, duties, biography) in enumerate(LEADERS, start=1):
        Leader.objects.get_or_create(
            name=name,
            defaults={
                "position": position,
                "duties": duties,
                "biography": biography,
                "order": order * 10,
            },
        )
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
    for username, full_name, code, role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "is_staff": True,
                "department": Department.objects.get(code=code),
            },
        )
        user.groups.add(Group.objects.get(name=role))
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
