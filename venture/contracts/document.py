"""The contract document: the data it is rendered from and the versioned template.

The template reads only `data`, a JSON-plain dict made by `document_data()`. On issue that dict
is stored with the contract next to CONTRACT_TEMPLATE_VERSION, so `render_contract()` can
reproduce the issued document from the database alone, even after the organization's profile
or this module's code changed. A changed template gets a new version and a new file; old files
stay for the contracts issued with them.

The document is a Chinese legal text: its wording lives in the template and the tables below,
not in the UI catalogue.
"""

from collections import OrderedDict
from decimal import Decimal
from html import unescape

import nh3
from flask import current_app

from venture.applications.pricing import contract_service_prices
from venture.core.money import uppercase_yuan
from venture.core.pdf import (
    GlyphWatch,
    MissingGlyphs,
    render_pdf,
    render_pdf_checked,
    render_pdf_with_boxes,
)
from venture.core.timeutil import local_today

CONTRACT_TEMPLATE_VERSION = "2026.1"
TEMPLATES = {"2026.1": "pdf/contract_v2026_1.html"}

# 甲方: the district civil affairs bureau; a deployment sets CONTRACT_PARTY_A in
# instance/config.py (any key missing there keeps these defaults)
PARTY_A_DEFAULTS = {
    "name": "哈尔滨市香坊区民政局",
    "credit_code": "11230110MB01456787",
    "address": "黑龙江省哈尔滨市香坊区中山路 93 号",
    "representative": "香坊区民政局局长",
    "contact": "社会组织管理科",
    "phone": "0451-55555555",
    "bank_name": "中国工商银行哈尔滨香坊支行",
    "bank_account_name": "哈尔滨市香坊区民政局",
    "bank_account": "3500042309000000000",
    "court": "哈尔滨市香坊区人民法院",
}

ROUTE_NAMES = {"venture_grant": "公益创投", "targeted": "定向购买", "tender": "招投标"}
LEGAL_BASIS = {
    "venture_grant": (
        "《中华人民共和国民法典》《政府购买服务管理办法》（财政部令第102号）及{call}、"
        "专家评审结果和立项公示"
    ),
    "targeted": (
        "《中华人民共和国民法典》《政府购买服务管理办法》（财政部令第102号）及{call}"
        "定向委托公示（公示期满无异议或异议已答复）"
    ),
    "tender": (
        "《中华人民共和国政府采购法》《中华人民共和国民法典》《政府购买服务管理办法》"
        "（财政部令第102号）及{call}采购文件、响应文件和中标（成交）公告"
    ),
}
# the document a route's basis names after the call's title, unless the title already ends
# with it ("…项目征集公告" is not followed by a second 征集公告)
BASIS_DOCUMENT = {"venture_grant": "征集公告", "targeted": "", "tender": ""}
CONDITION_TEXT = {
    "on_signing": "本合同签订后",
    "report_accepted": "乙方进度报告经甲方审核通过后",
    "midterm_passed": "项目中期评估合格后",
    "final_passed": "项目结项评估合格后",
    "project_closed": "项目结项后",
}
BUDGET_CATEGORY_TEXT = {
    "personnel": "人员费",
    "activities": "活动费",
    "materials": "物资费",
    "publicity": "宣传费",
    "administration": "管理费",
    "other": "其他",
}
DEFAULT_QUALITY_TARGETS = (
    "项目中期评估和结项评估结果均为合格（60 分）及以上；服务对象满意度不低于 90%；"
    "服务记录、活动影像和财务凭证等档案资料完整、真实、规范。"
)


def party_a():
    return {**PARTY_A_DEFAULTS, **current_app.config.get("CONTRACT_PARTY_A", {})}


def legal_basis_for(route, call_title):
    """The contract's basis clause, composed without doubled words."""
    noun = BASIS_DOCUMENT[str(route)]
    title = call_title.strip()
    named = f"“{title}”" if not noun or title.endswith(noun) else f"“{title}”{noun}"
    return LEGAL_BASIS[str(route)].format(call=named)


PARTY_A_PLACEHOLDER_KEYS = ("representative", "phone", "bank_account")


def party_a_placeholders():
    """The Party A details still at their demo placeholder values (empty once configured)."""
    details = party_a()
    return [key for key in PARTY_A_PLACEHOLDER_KEYS if details[key] == PARTY_A_DEFAULTS[key]]


def party_a_placeholder_refusal():
    """Outside demo mode, a contract is not issued with placeholder Party A details."""
    from flask_babel import lazy_gettext as _l

    if current_app.config.get("DEMO_MODE"):
        return None
    if party_a_placeholders():
        return _l(
            "Party A's details (representative, bank account, phone) are still the demo "
            "placeholders: set CONTRACT_PARTY_A in the configuration before issuing contracts."
        )
    return None


def plain_text(html):
    """The text of a sanitised HTML description, for a contract clause."""
    return unescape(nh3.clean(html or "", tags=set())).strip()


def chinese_date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def figures(amount):
    return f"{Decimal(amount):,.2f}"


def places_text(communities):
    """香坊街道：红旗社区、和平社区；幸福镇：… grouped by street."""
    by_street = OrderedDict()
    for community in sorted(communities, key=lambda c: (c.street.name, c.name)):
        by_street.setdefault(community.street.name, []).append(community.name)
    return "；".join(f"{street}：{'、'.join(names)}" for street, names in by_street.items())


def _milestone_text(milestone):
    text = milestone.title
    if milestone.due_date:
        text += f"（{chinese_date(milestone.due_date)}前）"
    if milestone.deliverable:
        text += f"：{milestone.deliverable}"
    return text


def default_terms(award):
    """The contract's editable terms filled from the award, its application and its call."""
    call, application = award.call, award.application
    quality = DEFAULT_QUALITY_TARGETS
    if application is not None:
        content = "\n\n".join(x for x in (application.objectives, application.activity_plan) if x)
        communities = application.communities or call.communities
        targets = []
        if application.beneficiaries:
            targets.append(f"服务对象不少于 {application.beneficiaries} 人")
        if application.target_group:
            targets.append(f"服务人群：{application.target_group}")
        targets += [_milestone_text(m) for m in application.milestones if m.title]
        start = application.project_start or call.project_start
        end = application.project_end or call.project_end
        title = application.title or call.title
    else:
        # a tender's service plan is the winning bid's technical proposal
        bid = getattr(award, "bid", None)
        parts = (bid.approach, bid.schedule) if bid is not None else ()
        content = "\n\n".join(x for x in parts if x) or plain_text(call.description)
        communities, targets = call.communities, []
        start, end, title = call.project_start, call.project_end, call.title
        if bid is not None and bid.quality:
            quality = f"{bid.quality}\n{quality}"
    return {
        "title": title[:200],
        "legal_basis": legal_basis_for(award.route, call.title),
        "service_content": content,
        "places": places_text(communities),
        "start_date": start,
        "end_date": end,
        "quantity_targets": "\n".join(targets),
        "quality_targets": quality,
    }


def _budget(contract):
    """The budget table: the confirmed re-allocation after a cut, else the request."""
    from venture.contracts.budget import BUDGET_RULES

    return [
        {"category": BUDGET_CATEGORY_TEXT.get(code, "其他"), "amount": figures(amount)}
        for code, amount in BUDGET_RULES.allocated_budget(contract).items()
    ]


def _budget_total(contract):
    from venture.contracts.budget import BUDGET_RULES

    rows = BUDGET_RULES.allocated_budget(contract)
    return figures(BUDGET_RULES.budget_total(rows)) if rows else ""


def document_data(contract):
    """Everything the template shows, as JSON-plain values, frozen at the moment of issue."""
    org, application = contract.organization, contract.application
    category = application.category if application is not None else None
    return {
        "number": contract.number,
        "title": contract.title,
        "route": str(contract.route),
        "route_name": ROUTE_NAMES[str(contract.route)],
        "legal_basis": contract.legal_basis,
        "call_title": contract.call.title,
        "party_a": party_a(),
        "party_b": {
            "name": org.name,
            "credit_code": org.credit_code,
            "address": org.address,
            "legal_representative": org.legal_representative,
            "contact": org.contact_name,
            "phone": org.contact_phone,
            "bank_name": org.bank_name,
            "bank_account_name": org.bank_account_name,
            "bank_account": org.bank_account,
        },
        "category": category.name_zh if category is not None else "",
        "service_content": contract.service_content,
        # what residents pay for each service: 无偿 / 低偿 / 有偿 (venture/community)
        "service_prices": contract_service_prices(application),
        "places": contract.places,
        "start_date": chinese_date(contract.start_date),
        "end_date": chinese_date(contract.end_date),
        "quantity_targets": [x for x in contract.quantity_targets.splitlines() if x.strip()],
        "quality_targets": contract.quality_targets,
        "budget": _budget(contract),
        "budget_total": _budget_total(contract),
        "amount": str(contract.amount),
        "amount_figures": figures(contract.amount),
        "amount_uppercase": uppercase_yuan(contract.amount),
        "installments": [
            {
                "position": i.position,
                "percent": f"{i.percent.normalize():f}",
                "condition": str(i.condition),
                "condition_text": CONDITION_TEXT[str(i.condition)],
                "amount_figures": figures(i.amount),
                "amount_uppercase": uppercase_yuan(i.amount),
            }
            for i in contract.installments
        ],
        "installments_total": figures(sum((i.amount for i in contract.installments), Decimal(0))),
        "dated": chinese_date(local_today()),
    }


def render_contract(data, *, version=CONTRACT_TEMPLATE_VERSION, draft=False, checked=False):
    """The contract PDF from its data with the template of version.

    checked: refuse (MissingGlyphs) when a character would be drawn as an empty box.
    """
    render = render_pdf_checked if checked else render_pdf
    return render(TEMPLATES[version], data=data, draft=draft, verify=data.get("verify"))


def render_contract_for_signing(data, *, version=CONTRACT_TEMPLATE_VERSION):
    """The issued contract's PDF and where its two signature slots are (venture/documents);
    refuses (MissingGlyphs) a character drawn as an empty box."""
    from venture.documents.signing import SLOTS

    with GlyphWatch() as watch:
        pdf, boxes = render_pdf_with_boxes(
            TEMPLATES[version], SLOTS, data=data, draft=False, verify=data.get("verify")
        )
    if watch.characters:
        raise MissingGlyphs(watch.characters)
    return pdf, boxes


def contract_pdf(contract):
    """The contract's PDF as it stands: the issued document's data, or the draft's."""
    if contract.document_data is not None and not contract.is_draft:
        return render_contract(contract.document_data, version=contract.template_version)
    return render_contract(document_data(contract), draft=True)


def file_name(contract, suffix=""):
    return f"{contract.number}{suffix}.pdf"
