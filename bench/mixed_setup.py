"""Run by bench/mixed.py through `manage.py shell`: the staff account of the mixed load (a 审核员
who publishes), the drafts it will publish (submitted for review by an 信息员, in the columns the
readers read), and the paths the readers read. Prints one JSON line."""

import json
import secrets

from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure.models import Category, Item
from portal import roles
from portal.models import Department, User
from services.models import ServiceGuide

COLUMNS = ["tzgg", "zcwj", "zwdt", "tdzs", "tdgy", "xzxk", "xzcf", "zcjd"]
DRAFTS = 120  # a publication every 10 s: 20 minutes of them


def account(username, role):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "department": Department.objects.first()}
    )
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user, password


reviewer, password = account("bench-reviewer", roles.REVIEWER)
officer, _ = account("bench-officer", roles.OFFICER)
columns = {column.slug: column for column in Category.objects.filter(slug__in=COLUMNS)}
drafts = list(
    Item.objects.filter(author=officer, status=Item.Status.PENDING).values_list("pk", flat=True)
)
for n in range(len(drafts), DRAFTS):
    column = columns[COLUMNS[n % len(COLUMNS)]]
    item = Item.objects.create(
        title=f"压力测试发布的第{n + 1}条{column.name}信息",
        category=column,
        department=officer.department,
        written_on=timezone.localdate(),
        summary="用于混合负载测试的信息，发布后读者即可看到。",
        body="<p>根据《中华人民共和国土地管理法》，现将有关事项公告如下。</p>",
        author=officer,
    )
    item.submit(by=officer)
    drafts.append(item.pk)

newest = Item.objects.public().latest()
items = set(newest.values_list("pk", flat=True)[:100])
for column in columns.values():
    items.update(newest.in_category(column).values_list("pk", flat=True)[:20])
lists = [f"/zwgk/lm/{slug}/" for slug in columns] + [
    f"/zwgk/lm/{slug}/?page={page}" for slug in columns for page in (2, 3)
]
guides = [f"/bsfw/zn/{pk}/" for pk in ServiceGuide.objects.published().values_list("pk", flat=True)]
print(
    "SETUP "
    + json.dumps(
        {
            "username": reviewer.username,
            "password": password,
            "drafts": drafts,
            "paths": {
                "home": ["/", "/zwgk/", "/bsfw/"],
                "list": lists,
                "item": [f"/zwgk/xxgk/{pk}/" for pk in sorted(items)],
                "guide": guides or ["/bsfw/"],
            },
        }
    )
)
