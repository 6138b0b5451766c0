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
# 三员 (等保 2.0 level 3, GB/T 22239-2019 8.1.4.2): the system, security and audit administrators
# are three people; none of them holds another of the three, and the auditor holds nothing else.
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"

ALL_ROLES = (
    OFFICER,
    REVIEWER,
    DEPARTMENT_HEAD,
    DISCLOSURE_OFFICE,
    LEADERSHIP,
    SYSTEM_ADMIN,
    SECURITY_ADMIN,
    AUDIT_ADMIN,
)
SEPARATED_ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)


def separation_errors(role_names):
    """Return why a set of roles breaks the 三员 separation (empty when it does not)."""
    held = [role for role in SEPARATED_ADMIN_ROLES if role in role_names]
    errors = []
    if len(held) > 1:
        errors.append(f"{'、'.join(held)}属于“三员”，不能由同一账号兼任")
    if AUDIT_ADMIN in role_names and len(set(role_names)) > 1:
        errors.append("审计管理员只能查看安全审计日志，不能兼任其他角色")
    return errors


# Roles whose work is one department's (they see only its rows): an account holding one of them
# must name its department.
DEPARTMENTAL_ROLES = frozenset({OFFICER, DEPARTMENT_HEAD})

# Roles that draft, review, answer or oversee, and so receive workflow notices by e-mail
# (reminders, escalations, 我的待办): an account holding one of them must have an e-mail address.
# The 三员 get no workflow notices; their work is the accounts, the settings and the audit log.
NOTIFIED_ROLES = frozenset({OFFICER, REVIEWER, DEPARTMENT_HEAD, DISCLOSURE_OFFICE, LEADERSHIP})


def account_errors(role_names, *, department, email):
    """Return {field: [(message, code)]} of what an account with these roles lacks."""
    errors = {}
    departmental = [role for role in ALL_ROLES if role in DEPARTMENTAL_ROLES & set(role_names)]
    if departmental and department is None:
        errors["department"] = [
            (f"{'、'.join(departmental)}只处理本科室的工作，请选择所在科室", "department_required")
        ]
    notified = [role for role in ALL_ROLES if role in NOTIFIED_ROLES & set(role_names)]
    if notified and not (email or "").strip():
        errors["email"] = [
            (
                f"{'、'.join(notified)}通过电子邮件接收待办和提醒，请填写电子邮箱",
                "email_required",
            )
        ]
    return errors


# Roles whose work covers the whole bureau: the 保密审查 reviewers sit in the 办公室 and review
# every department's drafts; the office runs the site; leadership oversees everything.
CROSS_DEPARTMENT_ROLES = frozenset({REVIEWER, DISCLOSURE_OFFICE, LEADERSHIP})

# Roles that publish or approve what the public reads: with settings.STAFF_OTP_REQUIRED they use
# the admin only after a TOTP code (two-factor, 等保). Other staff may enrol if they wish.
PUBLISHING_ROLES = frozenset({REVIEWER, DISCLOSURE_OFFICE, LEADERSHIP})

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
        # 征求意见: officers draft the notice and the articles, and draft the adoption decisions.
        "complaints.add_consultation",
        "complaints.change_consultation",
        "complaints.view_consultation",
        "complaints.delete_consultation",
        "complaints.submit_consultation",
        "complaints.add_consultationarticle",
        "complaints.change_consultationarticle",
        "complaints.delete_consultationarticle",
        "complaints.view_consultationarticle",
        "complaints.add_consultationfile",
        "complaints.change_consultationfile",
        "complaints.delete_consultationfile",
        "complaints.view_consultationfile",
        "complaints.view_consultationevent",
        "complaints.view_consultationcomment",
        "complaints.decide_consultationcomment",
        "oversight.view_task",
        "oversight.change_task",
        "oversight.view_taskattachment",
        "oversight.add_taskattachment",
        "oversight.change_taskattachment",
        "oversight.delete_taskattachment",
        "services.view_servicetheme",
        "services.add_serviceguide",
        "services.change_serviceguide",
        "services.view_serviceguide",
        "services.delete_serviceguide",
        "services.submit_serviceguide",
        "services.add_legalbasis",
        "services.change_legalbasis",
        "services.delete_legalbasis",
        "services.view_legalbasis",
        "services.add_guidematerial",
        "services.change_guidematerial",
        "services.delete_guidematerial",
        "services.view_guidematerial",
        "services.add_materialform",
        "services.change_materialform",
        "services.delete_materialform",
        "services.view_materialform",
        "services.add_guidestep",
        "services.add_specialprocedure",
        "services.change_guidestep",
        "services.change_specialprocedure",
        "services.delete_guidestep",
        "services.delete_specialprocedure",
        "services.view_guidestep",
        "services.view_specialprocedure",
        "services.add_guidequestion",
        "services.change_guidequestion",
        "services.delete_guidequestion",
        "services.view_guidequestion",
        "services.add_approvalresult",
        "services.change_approvalresult",
        "services.view_approvalresult",
        "services.import_approvalresult",
        "services.view_servicewindow",
    ],
    REVIEWER: [
        "portal.view_department",
        "portal.view_sensitiveterm",
        "portal.view_contentfinding",
        "portal.add_contentfinding",  # 记录公开理由 for a personal-data hit
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
        "complaints.change_consultation",
        "complaints.view_consultation",
        "complaints.review_consultation",
        "complaints.add_consultationarticle",
        "complaints.change_consultationarticle",
        "complaints.view_consultationarticle",
        "complaints.add_consultationfile",
        "complaints.change_consultationfile",
        "complaints.view_consultationfile",
        "complaints.view_consultationevent",
        "complaints.view_consultationcomment",
        "complaints.review_consultationcomment",
        "complaints.view_evaluationround",
        "complaints.view_evaluationresponse",
        "complaints.review_evaluationresponse",
        "services.view_servicetheme",
        "services.change_serviceguide",
        "services.view_serviceguide",
        "services.review_serviceguide",
        "services.add_legalbasis",
        "services.change_legalbasis",
        "services.view_legalbasis",
        "services.add_guidematerial",
        "services.change_guidematerial",
        "services.view_guidematerial",
        "services.add_materialform",
        "services.change_materialform",
        "services.view_materialform",
        "services.add_guidestep",
        "services.add_specialprocedure",
        "services.change_guidestep",
        "services.change_specialprocedure",
        "services.view_guidestep",
        "services.view_specialprocedure",
        "services.add_guidequestion",
        "services.change_guidequestion",
        "services.view_guidequestion",
        "services.view_serviceguideevent",
        "services.view_approvalresult",
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
        # 征求意见: the department head decides on comments and publishes the feedback.
        "complaints.view_consultation",
        "complaints.view_consultationarticle",
        "complaints.view_consultationfile",
        "complaints.view_consultationevent",
        "complaints.view_consultationcomment",
        "complaints.decide_consultationcomment",
        "complaints.publish_feedback",
        "oversight.view_task",
        "oversight.change_task",
        "oversight.view_taskattachment",
        "oversight.add_taskattachment",
        "oversight.change_taskattachment",
        "oversight.delete_taskattachment",
        "oversight.view_columnfreshness",
        "oversight.view_officerreport",
        # 好差评: the department answers its 差评 (回访, 整改, 申诉).
        "services.view_servicerating",
        "services.view_rectificationcase",
        "services.change_rectificationcase",
        "services.view_rectificationevent",
    ],
    DISCLOSURE_OFFICE: [
        # 好差评: the office reviews appeals (申诉复核) and follows every case.
        "services.view_servicerating",
        "services.view_rectificationcase",
        "services.review_rectificationcase",
        "services.view_rectificationevent",
        # 依申请公开 (disclosure.InformationRequest): the office handles every request.
        "disclosure.view_informationrequest",
        "disclosure.add_informationrequest",
        "disclosure.change_informationrequest",
        "disclosure.handle_informationrequest",
        "disclosure.approve_extension",
        "disclosure.view_informationrequestevent",
        "disclosure.view_requestletter",
        "disclosure.add_informationrequestattachment",
        "disclosure.change_informationrequestattachment",
        "disclosure.delete_informationrequestattachment",
        "disclosure.view_informationrequestattachment",
        "disclosure.add_requestappeal",
        "disclosure.change_requestappeal",
        "disclosure.view_requestappeal",
        "disclosure.add_lettertemplate",
        "disclosure.change_lettertemplate",
        "disclosure.view_lettertemplate",
        "disclosure.add_annualreport",
        "disclosure.change_annualreport",
        "disclosure.view_annualreport",
        "disclosure.publish_annualreport",
        "portal.add_workcalendarday",
        "portal.change_workcalendarday",
        "portal.view_workcalendarday",
        "portal.add_department",
        "portal.change_department",
        "portal.view_department",
        "portal.view_user",
        "portal.add_leader",
        "portal.change_leader",
        "portal.view_leader",
        "portal.change_sitesettings",
        "portal.view_sitesettings",
        "portal.add_sensitiveterm",
        "portal.change_sensitiveterm",
        "portal.view_sensitiveterm",
        "portal.change_contentfinding",
        "portal.view_contentfinding",
        "portal.view_citizennotice",
        "portal.view_twofactordevice",
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
        "complaints.reissue_query_code",
        "complaints.view_messageevent",
        "complaints.add_messagecategory",
        "complaints.change_messagecategory",
        "complaints.view_messagecategory",
        "complaints.add_replytemplate",
        "complaints.change_replytemplate",
        "complaints.delete_replytemplate",
        "complaints.view_replytemplate",
        "complaints.add_complaintagency",
        "complaints.change_complaintagency",
        "complaints.delete_complaintagency",
        "complaints.view_complaintagency",
        "complaints.add_consultation",
        "complaints.change_consultation",
        "complaints.view_consultation",
        "complaints.submit_consultation",
        "complaints.review_consultation",
        "complaints.publish_feedback",
        "complaints.add_consultationarticle",
        "complaints.change_consultationarticle",
        "complaints.delete_consultationarticle",
        "complaints.view_consultationarticle",
        "complaints.add_consultationfile",
        "complaints.change_consultationfile",
        "complaints.delete_consultationfile",
        "complaints.view_consultationfile",
        "complaints.view_consultationevent",
        "complaints.view_consultationcomment",
        "complaints.review_consultationcomment",
        "complaints.decide_consultationcomment",
        "complaints.add_evaluationround",
        "complaints.change_evaluationround",
        "complaints.delete_evaluationround",
        "complaints.view_evaluationround",
        "complaints.view_evaluation_results",
        "complaints.add_evaluationsubject",
        "complaints.change_evaluationsubject",
        "complaints.delete_evaluationsubject",
        "complaints.view_evaluationsubject",
        "complaints.view_evaluationresponse",
        "complaints.review_evaluationresponse",
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
        "oversight.view_siteinspection",
        "oversight.view_inspectionfinding",
        "oversight.run_siteinspection",
        "oversight.view_websitereport",
        "oversight.change_websitereport",
        "oversight.submit_websitereport",
        "oversight.view_websitereportevent",
        "portal.add_contentfinding",
        "services.add_servicetheme",
        "services.change_servicetheme",
        "services.view_servicetheme",
        "services.add_serviceguide",
        "services.change_serviceguide",
        "services.view_serviceguide",
        "services.delete_serviceguide",
        "services.submit_serviceguide",
        "services.review_serviceguide",
        "services.add_legalbasis",
        "services.change_legalbasis",
        "services.delete_legalbasis",
        "services.view_legalbasis",
        "services.add_guidematerial",
        "services.change_guidematerial",
        "services.delete_guidematerial",
        "services.view_guidematerial",
        "services.add_materialform",
        "services.change_materialform",
        "services.delete_materialform",
        "services.view_materialform",
        "services.add_guidestep",
        "services.add_specialprocedure",
        "services.change_guidestep",
        "services.change_specialprocedure",
        "services.delete_guidestep",
        "services.delete_specialprocedure",
        "services.view_guidestep",
        "services.view_specialprocedure",
        "services.add_guidequestion",
        "services.change_guidequestion",
        "services.delete_guidequestion",
        "services.view_guidequestion",
        "services.view_serviceguideevent",
        "services.add_approvalresult",
        "services.change_approvalresult",
        "services.view_approvalresult",
        "services.import_approvalresult",
        "services.add_servicewindow",
        "services.change_servicewindow",
        "services.delete_servicewindow",
        "services.view_servicewindow",
    ],
    LEADERSHIP: [
        "services.view_servicerating",
        "services.view_rectificationcase",
        "services.view_rectificationevent",
        # 依申请公开: leadership follows the requests, appeals and annual reports.
        "disclosure.view_informationrequest",
        "disclosure.view_informationrequestevent",
        "disclosure.view_requestletter",
        "disclosure.view_informationrequestattachment",
        "disclosure.view_requestappeal",
        "disclosure.view_annualreport",
        "portal.view_workcalendarday",
        "portal.view_department",
        "portal.view_user",
        "portal.view_sitesettings",
        "disclosure.view_category",
        "disclosure.view_item",
        "disclosure.view_itemattachment",
        "complaints.view_message",
        "complaints.view_messagecategory",
        "complaints.view_messageevent",
        "complaints.view_consultation",
        "complaints.view_consultationcomment",
        "complaints.view_consultationevent",
        "complaints.view_evaluationround",
        "complaints.view_evaluationresponse",
        "complaints.view_evaluation_results",
        "oversight.view_siteinspection",
        "oversight.view_inspectionfinding",
        "oversight.view_websitereport",
        "oversight.view_columnfreshness",
        "oversight.view_dashboard",
        "oversight.view_officerreport",
        "oversight.view_freshnesswarning",
        "oversight.view_task",
        "oversight.view_taskattachment",
        "oversight.view_reportingtarget",
        "oversight.view_bulletin",
        "services.view_servicetheme",
        "services.view_serviceguide",
        "services.view_legalbasis",
        "services.view_guidematerial",
        "services.view_materialform",
        "services.view_guidestep",
        "services.view_specialprocedure",
        "services.view_guidequestion",
        "services.view_serviceguideevent",
        "services.view_approvalresult",
        "services.view_servicewindow",
    ],
}


ROLE_PERMISSIONS[SYSTEM_ADMIN] = [
    # Settings, columns, calendar, word lists, departments, leaders and message routing.
    "portal.change_sitesettings",
    "portal.view_sitesettings",
    "portal.add_department",
    "portal.change_department",
    "portal.view_department",
    "portal.add_leader",
    "portal.change_leader",
    "portal.view_leader",
    "portal.add_workcalendarday",
    "portal.change_workcalendarday",
    "portal.delete_workcalendarday",
    "portal.view_workcalendarday",
    "portal.add_sensitiveterm",
    "portal.change_sensitiveterm",
    "portal.delete_sensitiveterm",
    "portal.view_sensitiveterm",
    "disclosure.add_category",
    "disclosure.change_category",
    "disclosure.view_category",
    "complaints.add_messagecategory",
    "complaints.change_messagecategory",
    "complaints.view_messagecategory",
]
ROLE_PERMISSIONS[SECURITY_ADMIN] = [
    # Staff accounts and their roles, second factors, lockouts.
    "portal.add_user",
    "portal.change_user",
    "portal.view_user",
    "portal.view_department",
    "auth.view_group",
    "portal.view_twofactordevice",
    "portal.delete_twofactordevice",
    "portal.view_loginlockout",
    "portal.unlock_loginlockout",
]
ROLE_PERMISSIONS[AUDIT_ADMIN] = ["portal.view_auditentry"]


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
