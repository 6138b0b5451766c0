"""Demo 办事服务 of 江川市国土资源局: guides with forms, the hall's windows, approval results.

Idempotent (guides by 事项编码, windows by number, results only once) and deterministic (a seeded
random generator; dates counted back from the day of loading).
"""

import io
import random
import zipfile
from datetime import timedelta
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST
from portal.uploads import validate_upload
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    ServiceGuide,
    ServiceTheme,
    ServiceWindow,
)

BUREAU = "江川市国土资源局"
COMPLAINT_PHONE = "0571-87061299"
HOURS = "工作日 上午 8:30—12:00，下午 14:30—17:30（法定节假日除外）"
HALL = "江川市行政服务中心三楼国土资源窗口"
BDC_HALL = "江川市民中心二楼不动产登记大厅"
ONLINE = "https://zwfw.jiangchuan.example.gov.cn/bs/"

BDC_FEE = (
    "住宅类不动产登记费 80 元/件；非住宅类不动产登记费 550 元/件。"
    "每件核发一本不动产权属证书，每增加一本加收证书工本费 10 元。",
    "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）；"
    "《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》（财税〔2016〕79号）",
)
MINING_FEE = (
    "采矿权使用费：按矿区范围面积逐年缴纳，每平方公里每年 1000 元。",
    "《矿产资源开采登记管理办法》第九条",
)

REGISTRATION_STEPS = [
    ("申请", "申请人", "—", "现场或网上提交申请材料"),
    ("受理", "窗口受理人员", "即时", "查验材料，符合条件的当场受理并出具受理凭证"),
    ("审核", "登记审核人员", "3个工作日", "审查权属来源、界址和材料的一致性，必要时实地查看"),
    ("登簿", "登簿人员", "1个工作日", "将登记事项记载于不动产登记簿"),
    ("发证", "发证窗口", "即时", "缴费后核发不动产权证书或登记证明"),
]
LICENCE_STEPS = [
    ("申请", "申请人", "—", "提交申请材料"),
    ("受理", "窗口受理人员", "即时", "材料齐全、符合法定形式的当场受理；不齐全的一次性告知补正"),
    ("审查", "承办科室", "10个工作日", "书面审查，必要时现场踏勘和组织专家论证"),
    ("决定", "局分管领导", "3个工作日", "作出准予许可或不予许可的书面决定"),
    ("送达", "窗口人员", "2个工作日", "送达许可证件或决定书，并在网站公示"),
]

SHARED = {
    "id": ("申请人身份证明", "copy", 1, "paper", None, None),
    "agent": (
        "授权委托书及代理人身份证明",
        "original",
        1,
        "paper",
        "委托他人代为办理的",
        "授权委托书",
    ),
    "licence": ("营业执照或统一社会信用代码证书", "copy", 1, "paper", None, None),
}

# (code, name, initial, kind, theme, department, window, location, legal, promised, fee,
#  conditions, bases, materials, steps, questions)
GUIDES = [
    {
        "code": "330217001001",
        "name": "国有建设用地使用权首次登记",
        "initial": "G",
        "kind": "confirmation",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "1号、2号窗口",
        "location": BDC_HALL,
        "limits": (30, 5),
        "fee": BDC_FEE,
        "conditions": [
            "已依法取得国有建设用地使用权（出让或划拨），并已缴清土地出让价款和相关税费",
            "宗地界址清楚、面积准确，已完成地籍调查",
            "申请人为土地使用权人或其委托的代理人",
        ],
        "bases": [
            (
                "《不动产登记暂行条例》",
                "第十四条",
                "因买卖、设定抵押权等申请不动产登记的，应当由当事人双方共同申请。属于下列情形之一的，"
                "可以由当事人单方申请：（一）尚未登记的不动产首次申请登记的……",
            ),
            (
                "《不动产登记暂行条例实施细则》",
                "第三十四条",
                "申请国有建设用地使用权首次登记，应当提交下列材料：（一）土地权属来源材料；"
                "（二）权籍调查表、宗地图以及宗地界址点坐标；（三）土地出让价款、土地租金、相关税费等"
                "缴纳凭证；（四）其他必要材料。",
            ),
        ],
        "materials": [
            ("不动产登记申请书", "original", 1, "paper", None, "不动产登记申请书"),
            "id",
            "licence",
            ("国有建设用地使用权出让合同或划拨决定书", "original", 1, "paper", None, None),
            ("土地出让价款及相关税费缴纳凭证", "copy", 1, "paper", None, None),
            ("权籍调查表、宗地图及宗地界址点坐标", "original", 1, "both", None, "宗地界址点坐标表"),
            "agent",
        ],
        "steps": REGISTRATION_STEPS,
        "questions": [
            (
                "土地出让价款分期缴纳的，可以先办理登记吗？",
                "不可以。须缴清全部土地出让价款及相关税费后方可申请首次登记。",
            ),
        ],
    },
    {
        "code": "330217001002",
        "name": "国有建设用地使用权及房屋所有权转移登记",
        "initial": "G",
        "kind": "confirmation",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "1号至4号窗口",
        "location": BDC_HALL,
        "limits": (30, 3),
        "fee": BDC_FEE,
        "conditions": [
            "不动产已办理首次登记，权属清楚、无查封等限制",
            "因买卖、互换、赠与、继承、受遗赠等原因发生权属转移",
            "买卖双方共同申请（继承、受遗赠等可单方申请）",
        ],
        "bases": [
            (
                "《不动产登记暂行条例》",
                "第十四条",
                "因买卖、设定抵押权等申请不动产登记的，应当由当事人双方共同申请。",
            ),
            (
                "《不动产登记暂行条例实施细则》",
                "第三十八条",
                "申请国有建设用地使用权及房屋所有权转移登记的，应当根据不同情况，提交下列材料："
                "（一）不动产权属证书；（二）买卖、互换、赠与合同；（三）继承或者受遗赠的材料……",
            ),
        ],
        "materials": [
            ("不动产登记申请书", "original", 1, "paper", None, "不动产登记申请书"),
            "id",
            ("不动产权属证书", "original", 1, "paper", None, None),
            ("不动产买卖合同（网签备案）", "original", 1, "both", None, None),
            ("契税完税凭证", "copy", 1, "paper", None, None),
            (
                "婚姻状况证明",
                "copy",
                1,
                "paper",
                "共有人为夫妻或转让方已婚的",
                None,
            ),
            "agent",
        ],
        "steps": REGISTRATION_STEPS,
        "questions": [
            (
                "二手房交易能否当天领证？",
                "材料齐全、税费缴清的住宅转移登记，承诺 3 个工作日内办结；"
                "开通“一窗受理”的，可当场出具受理凭证。",
            ),
        ],
    },
    {
        "code": "330217001003",
        "name": "不动产抵押权登记",
        "initial": "B",
        "kind": "confirmation",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "5号窗口",
        "location": BDC_HALL,
        "limits": (30, 2),
        "fee": (
            "住宅类 80 元/件；非住宅类 550 元/件（由抵押权人缴纳）。",
            "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
            "（发改价格规〔2016〕2559号）",
        ),
        "conditions": [
            "抵押财产为已登记的建设用地使用权、房屋等不动产，或正在建造的建筑物",
            "已签订抵押合同和主债权合同",
            "抵押人与抵押权人共同申请",
        ],
        "bases": [
            (
                "《中华人民共和国民法典》",
                "第四百零二条",
                "以本法第三百九十五条第一款第一项至第三项规定的财产或者第五项规定的正在建造的建筑物"
                "抵押的，应当办理抵押登记。抵押权自登记时设立。",
            ),
            (
                "《不动产登记暂行条例》",
                "第十四条",
                "因买卖、设定抵押权等申请不动产登记的，应当由当事人双方共同申请。",
            ),
        ],
        "materials": [
            ("不动产登记申请书", "original", 1, "paper", None, "不动产登记申请书"),
            ("抵押人、抵押权人身份证明", "copy", 1, "paper", None, None),
            ("不动产权属证书", "original", 1, "paper", None, None),
            ("抵押合同及主债权合同", "original", 1, "paper", None, "抵押合同"),
            (
                "最高额抵押的债权确定材料",
                "original",
                1,
                "paper",
                "办理最高额抵押登记的",
                None,
            ),
            "agent",
        ],
        "steps": [
            ("申请", "抵押人和抵押权人", "—", "银行网点或登记大厅提交申请"),
            ("受理", "窗口受理人员", "即时", "查验身份和材料"),
            ("审核", "登记审核人员", "1个工作日", "审查抵押合同与登记簿记载是否一致"),
            ("登簿", "登簿人员", "1个工作日", "记载抵押权"),
            ("发证", "发证窗口", "即时", "核发不动产登记证明"),
        ],
        "questions": [
            (
                "银行能否代办抵押登记？",
                "可以。已与本局签订“不动产登记+金融服务”协议的银行网点可直接受理抵押登记申请。",
            ),
            (
                "抵押登记后会收到什么证书？",
                "抵押权人取得《不动产登记证明》，原权属证书退还抵押人。",
            ),
        ],
    },
    {
        "code": "330217001004",
        "name": "不动产抵押权注销登记",
        "initial": "B",
        "kind": "confirmation",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "5号窗口",
        "location": BDC_HALL,
        "limits": (30, 1),
        "fee": None,
        "conditions": ["主债权消灭、抵押权已实现或抵押权人放弃抵押权"],
        "bases": [
            (
                "《不动产登记暂行条例实施细则》",
                "第七十二条",
                "有下列情形之一的，当事人可以持不动产登记证明、抵押权消灭的材料等必要材料，申请抵押权"
                "注销登记：（一）主债权消灭；（二）抵押权已经实现；（三）抵押权人放弃抵押权……",
            ),
        ],
        "materials": [
            ("不动产登记申请书", "original", 1, "paper", None, "不动产登记申请书"),
            ("不动产登记证明（抵押）", "original", 1, "paper", None, None),
            ("抵押权消灭的证明材料（如银行出具的还款证明）", "original", 1, "paper", None, None),
            "id",
        ],
        "steps": REGISTRATION_STEPS[:4],
        "questions": [],
    },
    {
        "code": "330217001005",
        "name": "不动产登记资料查询",
        "initial": "B",
        "kind": "public_service",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "6号窗口",
        "location": BDC_HALL,
        "limits": (5, 0),
        "fee": None,
        "conditions": [
            "权利人查询本人名下的不动产登记资料",
            "利害关系人凭利害关系证明材料查询不动产自然状况、权利人及其不动产查封、抵押、预告登记情况",
        ],
        "bases": [
            (
                "《不动产登记暂行条例》",
                "第二十七条",
                "权利人、利害关系人可以依法查询、复制不动产登记资料，不动产登记机构应当提供。",
            ),
        ],
        "materials": [
            ("不动产登记资料查询申请书", "original", 1, "paper", None, "查询申请书"),
            "id",
            ("利害关系证明材料", "copy", 1, "paper", "利害关系人查询的", None),
        ],
        "steps": [
            ("申请", "查询人", "—", "填写查询申请书"),
            ("审查", "查询窗口", "即时", "核对身份和查询目的"),
            ("出具结果", "查询窗口", "即时", "出具查询结果证明"),
        ],
        "questions": [
            (
                "可以在网上查询吗？",
                "可以。登录江川市政务服务网“不动产登记查询”栏目，实名认证后查询本人名下不动产。",
            ),
        ],
    },
    {
        "code": "330217001006",
        "name": "宅基地使用权及房屋所有权首次登记",
        "initial": "Z",
        "kind": "confirmation",
        "theme": "bdcdj",
        "department": "bdcdj",
        "window": "3号窗口",
        "location": BDC_HALL,
        "limits": (30, 10),
        "fee": None,
        "conditions": [
            "宅基地经依法批准，房屋按批准的用地范围建设",
            "一户一宅，权属无争议",
            "村民委员会出具的公告无异议证明",
        ],
        "bases": [
            (
                "《中华人民共和国土地管理法》",
                "第六十二条",
                "农村村民一户只能拥有一处宅基地，其宅基地的面积不得超过省、自治区、直辖市规定的标准。",
            ),
            (
                "《不动产登记暂行条例实施细则》",
                "第四十一条",
                "申请宅基地使用权及房屋所有权首次登记的，应当根据不同情况，提交下列材料："
                "（一）申请人身份证和户口簿；（二）不动产权属来源证明材料……",
            ),
        ],
        "materials": [
            ("不动产登记申请书", "original", 1, "paper", None, "不动产登记申请书"),
            ("申请人身份证和户口簿", "copy", 1, "paper", None, None),
            ("宅基地批准文件", "copy", 1, "paper", None, None),
            ("房屋符合规划或者建设相关要求的材料", "copy", 1, "paper", None, None),
            ("权籍调查表、宗地图、房屋平面图", "original", 1, "paper", None, None),
        ],
        "steps": REGISTRATION_STEPS,
        "questions": [],
    },
    {
        "code": "330217002001",
        "name": "建设项目用地预审与选址意见书核发",
        "initial": "J",
        "kind": "licence",
        "theme": "jsyd",
        "department": "ghk",
        "window": "8号窗口",
        "location": HALL,
        "limits": (20, 12),
        "fee": None,
        "conditions": [
            "建设项目符合国土空间规划和土地利用年度计划",
            "以划拨方式取得国有土地使用权的建设项目，或需审批、核准的建设项目",
            "用地规模符合土地使用标准，节约集约用地",
        ],
        "bases": [
            (
                "《中华人民共和国土地管理法》",
                "第五十二条",
                "建设项目可行性研究论证时，自然资源主管部门可以根据土地利用总体规划、土地利用年度计划"
                "和建设用地标准，对建设用地有关事项进行审查，并提出意见。",
            ),
            (
                "《中华人民共和国城乡规划法》",
                "第三十六条",
                "按照国家规定需要有关部门批准或者核准的建设项目，以划拨方式提供国有土地使用权的，"
                "建设单位在报送有关部门批准或者核准前，应当向城乡规划主管部门申请核发选址意见书。",
            ),
        ],
        "materials": [
            ("建设项目用地预审与选址申请表", "original", 1, "paper", None, "用地预审与选址申请表"),
            "licence",
            ("项目建议书批复或项目备案文件", "copy", 1, "paper", None, None),
            ("建设项目用地范围勘测定界图", "original", 2, "both", None, None),
            (
                "节地评价报告",
                "original",
                1,
                "both",
                "超标准用地或无标准可依的项目",
                None,
            ),
        ],
        "steps": LICENCE_STEPS,
        "questions": [],
    },
    {
        "code": "330217003001",
        "name": "建设用地规划许可证核发",
        "initial": "J",
        "kind": "licence",
        "theme": "ghxk",
        "department": "ghk",
        "window": "7号窗口",
        "location": HALL,
        "limits": (20, 5),
        "fee": None,
        "conditions": [
            "划拨用地项目已取得用地预审与选址意见书；出让用地项目已签订国有建设用地使用权出让合同",
            "项目符合控制性详细规划和规划条件",
        ],
        "bases": [
            (
                "《中华人民共和国城乡规划法》",
                "第三十七条",
                "在城市、镇规划区内以划拨方式提供国有土地使用权的建设项目，经有关部门批准、核准、备案后，"
                "建设单位应当向城市、县人民政府城乡规划主管部门提出建设用地规划许可申请，由城市、县人民"
                "政府城乡规划主管部门依据控制性详细规划核定建设用地的位置、面积、允许建设的范围，"
                "核发建设用地规划许可证。",
            ),
            (
                "《中华人民共和国城乡规划法》",
                "第三十八条",
                "以出让方式取得国有土地使用权的建设项目，建设单位在取得建设项目的批准、核准、备案文件和"
                "签订国有土地使用权出让合同后，向城市、县人民政府城乡规划主管部门领取建设用地规划许可证。",
            ),
        ],
        "materials": [
            ("建设用地规划许可申请表", "original", 1, "paper", None, "建设用地规划许可申请表"),
            "licence",
            ("国有建设用地使用权出让合同或划拨决定书", "copy", 1, "paper", None, None),
            ("项目批准、核准或备案文件", "copy", 1, "paper", None, None),
            ("1:500 或 1:1000 地形图（标明用地范围）", "original", 2, "both", None, None),
            "agent",
        ],
        "steps": LICENCE_STEPS,
        "questions": [
            (
                "出让用地还需要办理选址意见书吗？",
                "不需要。以出让方式取得土地的项目，签订出让合同后直接申领建设用地规划许可证。",
            ),
        ],
    },
    {
        "code": "330217003002",
        "name": "建设工程规划许可证核发",
        "initial": "J",
        "kind": "licence",
        "theme": "ghxk",
        "department": "ghk",
        "window": "7号窗口",
        "location": HALL,
        "limits": (20, 10),
        "fee": None,
        "conditions": [
            "已取得建设用地规划许可证和土地权属证明",
            "建设工程设计方案符合控制性详细规划和规划条件，并已通过审查",
        ],
        "bases": [
            (
                "《中华人民共和国城乡规划法》",
                "第四十条",
                "在城市、镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设的，建设单位或者个人应当"
                "向城市、县人民政府城乡规划主管部门或者省、自治区、直辖市人民政府确定的镇人民政府申请"
                "办理建设工程规划许可证。",
            ),
        ],
        "materials": [
            ("建设工程规划许可申请表", "original", 1, "paper", None, "建设工程规划许可申请表"),
            ("建设用地规划许可证及土地权属证明", "copy", 1, "paper", None, None),
            ("建设工程设计方案总平面图及建筑单体图", "original", 2, "both", None, None),
            (
                "经审定的修建性详细规划",
                "copy",
                1,
                "paper",
                "规划条件要求编制修建性详细规划的",
                None,
            ),
        ],
        "steps": LICENCE_STEPS,
        "questions": [],
    },
    {
        "code": "330217003003",
        "name": "乡村建设规划许可证核发",
        "initial": "X",
        "kind": "licence",
        "theme": "ghxk",
        "department": "ghk",
        "window": "7号窗口",
        "location": HALL,
        "limits": (20, 7),
        "fee": None,
        "conditions": [
            "在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设或农村村民住宅建设",
            "符合村庄规划，不占用永久基本农田",
            "已经乡、镇人民政府审核并报送",
        ],
        "bases": [
            (
                "《中华人民共和国城乡规划法》",
                "第四十一条",
                "在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设以及农村村民住宅建设的，"
                "建设单位或者个人应当向乡、镇人民政府提出申请，由乡、镇人民政府报城市、县人民政府城乡"
                "规划主管部门核发乡村建设规划许可证。",
            ),
        ],
        "materials": [
            ("乡村建设规划许可申请表", "original", 1, "paper", None, "乡村建设规划许可申请表"),
            "id",
            ("村民委员会书面意见", "original", 1, "paper", None, None),
            ("建房设计图或通用图集选用表", "copy", 1, "paper", None, None),
            (
                "农用地转用批准文件",
                "copy",
                1,
                "paper",
                "占用农用地的",
                None,
            ),
        ],
        "steps": [
            ("申请", "申请人", "—", "向乡镇人民政府提交申请"),
            ("乡镇审核", "乡镇人民政府", "5个工作日", "审核并报送规划科"),
            ("审查", "规划科", "5个工作日", "审查是否符合村庄规划"),
            ("决定", "局分管领导", "2个工作日", "核发许可证或作出不予许可决定"),
        ],
        "questions": [
            (
                "农村村民翻建住房需要办理乡村建设规划许可证吗？",
                "需要。原址翻建、改建、扩建住宅的，同样应当申请乡村建设规划许可证。",
            ),
        ],
    },
    {
        "code": "330217002002",
        "name": "临时用地审批",
        "initial": "L",
        "kind": "licence",
        "theme": "jsyd",
        "department": "tdly",
        "window": "8号窗口",
        "location": HALL,
        "limits": (20, 10),
        "fee": None,
        "conditions": [
            "建设项目施工、地质勘查需要临时使用土地",
            "临时使用期限一般不超过二年，不得修建永久性建筑物",
            "已与土地所有权人或使用权人签订临时使用土地合同",
        ],
        "bases": [
            (
                "《中华人民共和国土地管理法》",
                "第五十七条",
                "建设项目施工和地质勘查需要临时使用国有土地或者农民集体所有的土地的，由县级以上人民政府"
                "自然资源主管部门批准。……临时使用土地期限一般不超过二年。",
            ),
        ],
        "materials": [
            ("临时用地申请表", "original", 1, "paper", None, "临时用地申请表"),
            "licence",
            ("临时使用土地合同", "original", 1, "paper", None, "临时使用土地合同"),
            ("土地复垦方案报告表", "original", 1, "both", None, None),
            ("临时用地勘测定界图", "original", 2, "paper", None, None),
        ],
        "steps": LICENCE_STEPS,
        "questions": [
            (
                "临时用地到期后还需要做什么？",
                "使用期满一年内完成土地复垦，恢复种植条件，经验收合格后退还。",
            ),
        ],
    },
    {
        "code": "330217002003",
        "name": "国有建设用地使用权划拨审批",
        "initial": "G",
        "kind": "licence",
        "theme": "jsyd",
        "department": "tdly",
        "window": "8号窗口",
        "location": HALL,
        "limits": (20, 15),
        "fee": None,
        "conditions": [
            "属于《划拨用地目录》范围内的国家机关用地、军事用地、城市基础设施用地和公益事业用地等",
            "已取得用地预审意见和建设用地规划许可证",
        ],
        "bases": [
            (
                "《中华人民共和国土地管理法》",
                "第五十四条",
                "建设单位使用国有土地，应当以出让等有偿使用方式取得；但是，下列建设用地，经县级以上人民"
                "政府依法批准，可以以划拨方式取得……",
            ),
        ],
        "materials": [
            ("国有建设用地使用权划拨申请书", "original", 1, "paper", None, None),
            "licence",
            ("建设用地规划许可证", "copy", 1, "paper", None, None),
            ("用地预审意见", "copy", 1, "paper", None, None),
        ],
        "steps": LICENCE_STEPS,
        "questions": [],
    },
    {
        "code": "330217004001",
        "name": "采矿权新立登记",
        "initial": "C",
        "kind": "licence",
        "theme": "kyq",
        "department": "kczy",
        "window": "9号窗口",
        "location": HALL,
        "limits": (40, 20),
        "fee": MINING_FEE,
        "conditions": [
            "已通过招标、拍卖、挂牌等方式取得采矿权并签订出让合同",
            "矿产资源开发利用方案、矿山地质环境保护与土地复垦方案已通过审查",
            "申请人具有独立法人资格",
        ],
        "bases": [
            (
                "《中华人民共和国矿产资源法》",
                "第三条",
                "勘查、开采矿产资源，必须依法分别申请、经批准取得探矿权、采矿权，并办理登记。",
            ),
            (
                "《矿产资源开采登记管理办法》",
                "第五条",
                "采矿权申请人申请办理采矿许可证时，应当向登记管理机关提交下列资料：（一）申请登记书和"
                "矿区范围图；（二）采矿权申请人资质条件的证明；（三）矿产资源开发利用方案……",
            ),
        ],
        "materials": [
            ("采矿权申请登记书", "original", 1, "both", None, "采矿权申请登记书"),
            "licence",
            ("采矿权出让合同及价款缴纳凭证", "copy", 1, "paper", None, None),
            ("矿区范围图及拐点坐标", "original", 1, "both", None, None),
            ("矿产资源开发利用方案及审查意见", "original", 1, "both", None, None),
            ("矿山地质环境保护与土地复垦方案及审查意见", "original", 1, "both", None, None),
        ],
        "steps": LICENCE_STEPS,
        "questions": [],
    },
    {
        "code": "330217004002",
        "name": "采矿权延续登记",
        "initial": "C",
        "kind": "licence",
        "theme": "kyq",
        "department": "kczy",
        "window": "9号窗口",
        "location": HALL,
        "limits": (40, 15),
        "fee": MINING_FEE,
        "conditions": [
            "采矿许可证有效期届满需要继续开采",
            "在采矿许可证有效期届满的 30 日前提出申请",
            "已缴清采矿权使用费和出让收益，无违法开采行为",
        ],
        "bases": [
            (
                "《矿产资源开采登记管理办法》",
                "第七条",
                "采矿许可证有效期满，需要继续采矿的，采矿权人应当在采矿许可证有效期届满的30日前，"
                "到登记管理机关办理延续登记手续。",
            ),
        ],
        "materials": [
            ("采矿权延续申请登记书", "original", 1, "both", None, "采矿权申请登记书"),
            ("采矿许可证正、副本", "original", 1, "paper", None, None),
            ("矿山储量年报及评审意见", "copy", 1, "both", None, None),
            ("采矿权使用费和出让收益缴纳凭证", "copy", 1, "paper", None, None),
        ],
        "steps": LICENCE_STEPS,
        "questions": [
            (
                "逾期未申请延续会怎样？",
                "采矿许可证有效期满未办理延续登记的，采矿许可证自行废止，不得继续开采。",
            ),
        ],
    },
    {
        "code": "330217004003",
        "name": "采矿权注销登记",
        "initial": "C",
        "kind": "licence",
        "theme": "kyq",
        "department": "kczy",
        "window": "9号窗口",
        "location": HALL,
        "limits": (40, 10),
        "fee": None,
        "conditions": ["矿山闭坑、停办或关闭，已完成矿山地质环境治理和土地复垦"],
        "bases": [
            (
                "《矿产资源开采登记管理办法》",
                "第十六条",
                "采矿权人在采矿许可证有效期内或者有效期届满，停办、关闭矿山的，应当自决定停办或者关闭"
                "矿山之日起30日内，向原发证机关申请办理采矿许可证注销登记手续。",
            ),
        ],
        "materials": [
            ("采矿权注销申请登记书", "original", 1, "paper", None, None),
            ("采矿许可证正、副本", "original", 1, "paper", None, None),
            ("闭坑地质报告及审查意见", "copy", 1, "both", None, None),
        ],
        "steps": LICENCE_STEPS,
        "questions": [],
    },
    {
        "code": "330217005001",
        "name": "土地复垦方案审查",
        "initial": "T",
        "kind": "other",
        "theme": "tdzz",
        "department": "gdbh",
        "window": "10号窗口",
        "location": HALL,
        "limits": (20, 10),
        "fee": None,
        "conditions": [
            "生产建设活动损毁土地的单位和个人（土地复垦义务人）",
            "土地复垦方案由具备相应能力的单位编制，内容符合《土地复垦方案编制规程》",
        ],
        "bases": [
            (
                "《土地复垦条例》",
                "第十一条",
                "土地复垦义务人应当按照土地复垦标准和国务院国土资源主管部门的规定编制土地复垦方案。",
            ),
            (
                "《土地复垦条例》",
                "第十二条",
                "土地复垦方案应当包括下列内容：（一）项目概况和项目区土地利用状况；（二）损毁土地的分析"
                "预测和土地复垦的可行性评价；（三）土地复垦的目标任务……",
            ),
        ],
        "materials": [
            ("土地复垦方案审查申请表", "original", 1, "paper", None, "土地复垦方案审查申请表"),
            ("土地复垦方案报告书（或报告表）", "original", 3, "both", None, None),
            ("土地复垦费用预存协议", "original", 1, "paper", None, None),
        ],
        "steps": [
            ("申请", "土地复垦义务人", "—", "提交复垦方案"),
            ("受理", "窗口受理人员", "即时", "查验材料"),
            ("专家评审", "耕地保护科", "7个工作日", "组织专家评审，出具评审意见"),
            ("审查意见", "局分管领导", "3个工作日", "出具审查意见"),
        ],
        "questions": [],
    },
    {
        "code": "330217006001",
        "name": "基础测绘成果提供",
        "initial": "J",
        "kind": "public_service",
        "theme": "dcch",
        "department": "xxzx",
        "window": "11号窗口",
        "location": HALL,
        "limits": (10, 5),
        "fee": None,
        "conditions": [
            "因政府决策、国防建设和公共服务需要使用基础测绘成果",
            "使用涉密测绘成果的，应具有相应的保密管理制度和设备",
        ],
        "bases": [
            (
                "《中华人民共和国测绘法》",
                "第三十四条",
                "县级以上人民政府测绘地理信息主管部门应当及时获取、处理、更新基础地理信息数据，通过"
                "地理信息公共服务平台向社会提供地理信息公共服务。",
            ),
            (
                "《测绘成果管理条例》",
                "第十五条",
                "使用财政资金的测绘项目和使用财政资金的建设工程测绘项目，有关部门在批准立项前应当征求"
                "本级人民政府测绘地理信息主管部门的意见……",
            ),
        ],
        "materials": [
            ("基础测绘成果使用申请表", "original", 1, "paper", None, "测绘成果使用申请表"),
            "licence",
            ("测绘成果保密管理制度", "copy", 1, "paper", "申请涉密成果的", None),
        ],
        "steps": [
            ("申请", "使用单位", "—", "提交申请表"),
            ("审核", "信息中心", "3个工作日", "审核用途和保密条件"),
            ("提供", "信息中心", "2个工作日", "签订保密责任书后提供成果"),
        ],
        "questions": [],
    },
]

WINDOWS = [
    (1, "不动产登记受理", "国有建设用地使用权首次登记\n转移登记\n变更登记", ["bdcdj"], 1, 1, 1),
    (2, "不动产登记受理", "国有建设用地使用权首次登记\n转移登记\n变更登记", ["bdcdj"], 1, 2, 1),
    (3, "不动产登记受理", "宅基地使用权及房屋所有权登记\n转移登记", ["bdcdj"], 1, 3, 1),
    (4, "不动产登记受理", "转移登记\n更正登记、异议登记", ["bdcdj"], 1, 4, 1),
    (5, "抵押登记", "不动产抵押权登记\n抵押权注销登记\n预告登记", ["bdcdj"], 1, 5, 1),
    (6, "登记资料查询", "不动产登记资料查询\n权属证明出具", ["bdcdj"], 1, 6, 1),
    (
        7,
        "规划许可",
        "建设用地规划许可证核发\n建设工程规划许可证核发\n乡村建设规划许可证核发",
        ["ghxk"],
        2,
        1,
        2,
    ),
    (8, "建设用地", "建设项目用地预审与选址\n临时用地审批\n划拨用地审批", ["jsyd"], 2, 3, 1),
    (9, "矿业权", "采矿权新立、延续、变更、注销登记\n探矿权登记", ["kyq"], 2, 4, 1),
    (10, "土地整治", "土地复垦方案审查\n土地整治项目验收", ["tdzz"], 2, 5, 1),
    (11, "测绘成果", "基础测绘成果提供\n界址点成果查询", ["dcch"], 2, 6, 1),
    (
        12,
        "综合咨询 · 投诉受理",
        "办事咨询、材料预审\n意见建议和投诉受理\n“办不成事”反映窗口",
        [],
        3,
        1,
        2,
    ),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "晓梅",
    "海涛",
    "桂芳",
    "伟",
    "静",
    "敏",
    "俊杰",
    "婷",
    "明",
    "红霞",
    "国平",
    "玉兰",
    "文斌",
    "雪莲",
    "宏伟",
    "芳",
    "子涵",
    "浩然",
    "金凤",
    "永康",
]
COMPANIES = [
    "江川市滨江置业有限公司",
    "江川宏达建设工程有限公司",
    "浙江江川农村商业银行股份有限公司",
    "中国建设银行股份有限公司江川分行",
    "江川市城市投资发展集团有限公司",
    "江川青山建材矿业有限公司",
    "江川市交通投资集团有限公司",
    "江川新源石料有限公司",
    "江川市水务集团有限公司",
    "江川绿野农业开发有限公司",
    "江川市第二人民医院",
    "江川市教育局",
]
PREFIX = {"bdcdj": "BDC", "jsyd": "YD", "ghxk": "GH", "kyq": "KY", "tdzz": "TZ", "dcch": "CH"}
ORGANISATION_THEMES = {"jsyd", "kyq", "tdzz", "dcch"}


# Generated forms --------------------------------------------------------------------------------
def make_docx(title, lines):
    """Return a small real .docx (Office Open XML) with a title and lines, built with zipfile."""
    paragraphs = [
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="36"/></w:rPr>'
        f"<w:t>{escape(title)}</w:t></w:r></w:p>"
    ] + [f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(paragraphs)}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        ]:
            # A fixed timestamp keeps the generated files byte-identical between runs.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def form_lines(title, *, sample):
    fill = (lambda value: value) if sample else (lambda value: "____________")
    return [
        f"受理编号：{fill('BDC20260315-0008')}",
        f"申请人（单位）名称：{fill('张建国')}",
        f"证件类型及号码：{fill('居民身份证 3302**********1234')}",
        f"联系电话：{fill('138****5678')}",
        f"坐落：{fill('江川市滨江区府前路 66 号 3 幢 502 室')}",
        f"申请事项：{fill(title)}",
        "申请人声明：本人（单位）对所提交材料的真实性负责。",
        f"申请人签章：{fill('张建国')}　　日期：{fill('2026年3月15日')}",
        f"{BUREAU} 制",
    ]


def attach_form(material, title, kind):
    sample = kind == MaterialForm.Kind.SAMPLE
    suffix = "（填写示例）" if sample else ""
    content = ContentFile(make_docx(title + suffix, form_lines(title, sample=sample)))
    content.name = f"{title}{suffix}.docx"
    validate_upload(content)  # the same content check as an upload in the admin
    MaterialForm.objects.create(material=material, kind=kind, file=content)


# Loading ----------------------------------------------------------------------------------------
THEMES = {
    "bdcdj": "不动产登记",
    "jsyd": "建设用地",
    "ghxk": "规划许可",
    "kyq": "矿业权",
    "tdzz": "土地整治",
    "dcch": "测绘地籍",
}


def load(*, stdout):
    # The themes come from a data migration; a flushed test database needs them back.
    themes = {
        slug: ServiceTheme.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order * 10}
        )[0]
        for order, (slug, name) in enumerate(THEMES.items(), start=1)
    }
    departments = {d.code: d for d in Department.objects.all()}
    author = User.objects.filter(username="xinxiyuan").first()
    reviewer = User.objects.filter(username="shenheyuan").first()
    if not (author and reviewer and departments):
        stdout.write("  跳过：缺少演示科室或账号（请先载入 portal 的演示数据）")
        return
    created = 0
    for data in GUIDES:
        if ServiceGuide.objects.filter(code=data["code"]).exists():
            continue
        create_guide(data, themes, departments, author, reviewer)
        created += 1
    stdout.write(f"  办事指南：新建 {created} 个，共 {ServiceGuide.objects.count()} 个")
    windows = 0
    for number, name, handles, theme_slugs, row, column, width in WINDOWS:
        window, is_new = ServiceWindow.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "handles": handles,
                "row": row,
                "column": column,
                "width": width,
            },
        )
        if is_new:
            window.themes.set([themes[slug] for slug in theme_slugs if slug in themes])
            windows += 1
    stdout.write(f"  窗口布局：新建 {windows} 个窗口")
    if not ApprovalResult.objects.exists():
        count = create_results()
        stdout.write(f"  办件公示：新建 {count} 条")


def create_guide(data, themes, departments, author, reviewer):
    department = departments[data["department"]]
    legal, promised = data["limits"]
    fee = data["fee"]
    guide = ServiceGuide.objects.create(
        code=data["code"],
        name=data["name"],
        initial=data["initial"],
        kind=data["kind"],
        theme=themes[data["theme"]],
        implementing_body=BUREAU,
        department=department,
        conditions="\n".join(data["conditions"]),
        location=data["location"],
        window=data["window"],
        office_hours=HOURS,
        legal_time_limit=legal,
        promised_time_limit=promised,
        is_free=fee is None,
        fee_standard=fee[0] if fee else "",
        fee_basis=fee[1] if fee else "",
        consultation_phone=department.phone or "0571-87061234",
        complaint_phone=COMPLAINT_PHONE,
        online_url=f"{ONLINE}{data['code']}",
        author=author,
    )
    for order, (law, article, text) in enumerate(data["bases"], start=1):
        LegalBasis.objects.create(guide=guide, law=law, article=article, text=text, order=order)
    for order, entry in enumerate(data["materials"], start=1):
        name, original, copies, medium, condition, form_title = (
            SHARED[entry] if isinstance(entry, str) else entry
        )
        material = GuideMaterial.objects.create(
            guide=guide,
            name=name,
            original=original,
            copies=copies,
            medium=medium,
            is_required=condition is None,
            condition=condition or "",
            order=order,
        )
        if form_title:
            attach_form(material, form_title, MaterialForm.Kind.BLANK)
            attach_form(material, form_title, MaterialForm.Kind.SAMPLE)
    for order, (name, actor, limit, description) in enumerate(data["steps"], start=1):
        GuideStep.objects.create(
            guide=guide,
            name=name,
            actor=actor,
            time_limit=limit,
            description=description,
            order=order,
        )
    for order, (question, answer) in enumerate(data["questions"], start=1):
        GuideQuestion.objects.create(guide=guide, question=question, answer=answer, order=order)
    guide.submit(by=author)
    guide.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True))
    return guide


def create_results(*, count=320, today=None):
    """Create a few hundred results over the last four months, a dozen of them today."""
    today = today or timezone.localdate()
    rng = random.Random(20260601)
    guides = list(ServiceGuide.objects.published().select_related("theme").order_by("code"))
    weights = [12 if guide.theme.slug == "bdcdj" else 3 for guide in guides]
    counters = {}
    created = 0
    for index in range(count):
        guide = rng.choices(guides, weights=weights)[0]
        age = 0 if index < 14 else rng.randint(1, 120)
        accepted = today - timedelta(days=age)
        while accepted.weekday() >= 5:
            accepted -= timedelta(days=1)
        counters[accepted] = counters.get(accepted, 0) + 1
        prefix = PREFIX.get(guide.theme.slug, "QT")
        number = f"{prefix}{accepted:%Y%m%d}-{counters[accepted]:04d}"
        is_org = guide.theme.slug in ORGANISATION_THEMES or rng.random() < 0.2
        name = rng.choice(COMPANIES) if is_org else rng.choice(SURNAMES) + rng.choice(GIVEN)
        status, completed, result = result_state(rng, guide, accepted, today)
        ApprovalResult.objects.create(
            tracking_number=number,
            guide=guide,
            applicant_kind="organisation" if is_org else "person",
            applicant_name=name,
            accepted_on=accepted,
            status=status,
            completed_on=completed,
            result=result,
        )
        created += 1
    # Rows entered by the demo count as changed on their last real date, not today.
    ApprovalResult.objects.exclude(accepted_on=today).exclude(completed_on=today).update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    return created


def result_state(rng, guide, accepted, today):
    """Return (status, completed_on, result) plausible for an application of that age."""
    age = (today - accepted).days
    limit = max(guide.promised_time_limit or 1, 1)
    if age == 0:
        return rng.choice(["accepted", "accepted", "processing"]), None, ""
    if age < limit + 2 and rng.random() < 0.6:
        return (
            rng.choice(["accepted", "processing", "processing", "returned"]),
            None,
            ("材料不齐，已一次性告知补正" if rng.random() < 0.1 else ""),
        )
    completed = min(accepted + timedelta(days=rng.randint(1, limit + 2)), today)
    if rng.random() < 0.05:
        return "refused", completed, "不符合法定条件，不予许可，已书面告知理由和救济途径"
    outcome = {
        "bdcdj": "准予登记，已核发不动产权证书",
        "ghxk": "准予许可，已核发许可证",
        "jsyd": "准予许可，已出具批复文件",
        "kyq": "准予登记，已核发采矿许可证",
        "tdzz": "审查通过，已出具审查意见",
        "dcch": "已提供测绘成果",
    }.get(guide.theme.slug, "已办结")
    return "completed", completed, outcome
