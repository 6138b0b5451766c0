"""Staff roles: each role is a Django Group with exactly the permissions listed here.

`migrate` keeps the groups in step with this table (a post_migrate handler, so every database has
them, including test databases after a flush). To change what a role may do, change this table and
run migrate; permissions given to a role by hand in the admin are reset to the table.
"""

OFFICER = "信息员"
REVIEWER = "审核员"
DEPARTMENT_HEAD = "科室负责人"
DISCLOSURE_OFFICE = "政务公开办"
LEADERSHIP = "局领导"

ALL_ROLES = (OFFICER, REVIEWER, DEPARTMENT_HEAD, DISCLOSURE_OFFICE, LEADERSHIP)

# Roles whose work covers the whole bureau: the 保密审查 reviewers sit in the 办公室 and review
# every department's drafts; the office runs the site; leadership oversees everything.
CROSS_DEPARTMENT_ROLES = frozenset({REVIEWER, DISCLOSURE_OFFICE, LEADERSHIP})

# "app_label.codename" for each role. Apps add their models' permissions here as they land.
ROLE_PERMISSIONS = {
    OFFICER: [
        "portal.view_department",
        "disclosure.view_category",
        "disclosure.add_item",
        "disclosure.change_item",
        "disclosure.view_item",
        "disclosure.delete_item",
        "disclosure.submit_item",
        "disclosure.add_itemattachment",
        "disclosure.change_itemattachment",
        "disclosure.delete_itemattachment",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.reply_message",
        "oversight.view_task",
        "oversight.change_task",
        "oversight.view_taskattachment",
        "oversight.add_taskattachment",
        "oversight.change_taskattachment",
        "oversight.delete_taskattachment",
    ],
    REVIEWER: [
        "portal.view_department",
        "disclosure.view_category",
        "disclosure.change_item",
        "disclosure.view_item",
        "disclosure.review_item",
        "disclosure.add_itemattachment",
        "disclosure.change_itemattachment",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.view_messagecategory",
        "complaints.view_messageevent",
        "complaints.review_reply",
        "complaints.reopen_message",
    ],
    DEPARTMENT_HEAD: [
        "portal.view_department",
        "portal.view_user",
        "disclosure.view_category",
        "disclosure.view_item",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.view_messagecategory",
        "complaints.view_messageevent",
        "complaints.reply_message",
        "complaints.assign_message",
        "complaints.close_message",
        "complaints.reopen_message",
        "oversight.view_task",
        "oversight.change_task",
        "oversight.view_taskattachment",
        "oversight.add_taskattachment",
        "oversight.change_taskattachment",
        "oversight.delete_taskattachment",
        "oversight.view_columnfreshness",
        "oversight.view_officerreport",
    ],
    DISCLOSURE_OFFICE: [
        "portal.add_department",
        "portal.change_department",
        "portal.view_department",
        "portal.add_user",
        "portal.change_user",
        "portal.view_user",
        "portal.add_leader",
        "portal.change_leader",
        "portal.view_leader",
        "portal.change_sitesettings",
        "portal.view_sitesettings",
        "auth.view_group",
        "disclosure.add_category",
        "disclosure.change_category",
        "disclosure.view_category",
        "disclosure.add_item",
        "disclosure.change_item",
        "disclosure.view_item",
        "disclosure.submit_item",
        "disclosure.review_item",
        "disclosure.add_itemattachment",
        "disclosure.change_itemattachment",
        "disclosure.delete_itemattachment",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.transfer_message",
        "complaints.close_message",
        "complaints.reopen_message",
        "complaints.view_messageevent",
        "complaints.add_messagecategory",
        "complaints.change_messagecategory",
        "complaints.view_messagecategory",
        "complaints.add_complaintagency",
        "complaints.change_complaintagency",
        "complaints.delete_complaintagency",
        "complaints.view_complaintagency",
        "oversight.view_columnfreshness",
        "oversight.view_dashboard",
        "oversight.view_officerreport",
        "oversight.view_freshnesswarning",
        "oversight.add_task",
        "oversight.change_task",
        "oversight.delete_task",
        "oversight.view_task",
        "oversight.add_taskattachment",
        "oversight.change_taskattachment",
        "oversight.delete_taskattachment",
        "oversight.view_taskattachment",
        "oversight.add_reportingtarget",
        "oversight.change_reportingtarget",
        "oversight.delete_reportingtarget",
        "oversight.view_reportingtarget",
        "oversight.add_bulletin",
        "oversight.change_bulletin",
        "oversight.view_bulletin",
        "oversight.publish_bulletin",
    ],
    LEADERSHIP: [
        "portal.view_department",
        "portal.view_user",
        "portal.view_sitesettings",
        "disclosure.view_category",
        "disclosure.view_item",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.view_messagecategory",
        "complaints.view_messageevent",
        "oversight.view_columnfreshness",
        "oversight.view_dashboard",
        "oversight.view_officerreport",
        "oversight.view_freshnesswarning",
        "oversight.view_task",
        "oversight.view_taskattachment",
        "oversight.view_reportingtarget",
        "oversight.view_bulletin",
    ],
}


def sync_roles(*, using="default"):
    """Create the role groups and set each one's permissions to exactly ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    wanted = {name for names in ROLE_PERMISSIONS.values() for name in names}
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.using(using).select_related("content_type")
        if f"{p.content_type.app_label}.{p.codename}" in wanted
    }
    for role in ALL_ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([found[name] for name in ROLE_PERMISSIONS[role] if name in found])
