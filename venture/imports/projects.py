"""Importing past funded projects (往年资助项目): the history of each organization."""

from flask_babel import gettext as _
from sqlalchemy import select, tuple_

from venture.extensions import db
from venture.imports.columns import Column
from venture.imports.enums import OUTCOME_WORDS, ImportKind, PastOutcome, RowAction
from venture.imports.kinds import Kind, added, chunks
from venture.imports.models import PastProject
from venture.imports.organizations import CREDIT_CODE_ALIASES, credit_code_cell
from venture.imports.parsers import parse_amount, parse_year, word_of
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory

OUTCOMES = {word: outcome for outcome, words in OUTCOME_WORDS.items() for word in words}


def outcome_cell(raw):
    return word_of(raw, OUTCOMES, _("Write one of 优秀, 良好, 合格, 不合格, 终止, 未评估."))


class ProjectKind(Kind):
    kind = ImportKind.PROJECTS
    columns = (
        Column("year", "年度", ("年份", "立项年度", "资助年度", "year"), required=True, width=8),
        Column(
            "call_name",
            "创投活动名称",
            ("活动名称", "征集名称", "项目批次", "批次", "项目来源", "call"),
            required=True,
            width=30,
        ),
        Column("credit_code", "统一社会信用代码", CREDIT_CODE_ALIASES, width=24),
        Column(
            "org_name", "承接组织", ("组织名称", "社会组织名称", "实施单位", "承接单位"), width=30
        ),
        Column("title", "项目名称", ("项目", "title"), required=True, width=30),
        Column(
            "amount",
            "资助金额(元)",
            ("资助金额", "金额", "资助额", "amount"),
            required=True,
            width=14,
        ),
        Column(
            "outcome",
            "评估结果",
            ("结项评估", "评估等级", "结项结果", "outcome"),
            choices=tuple(words[0] for words in OUTCOME_WORDS.values()),
            width=10,
        ),
        Column("category", "服务类别", ("类别", "项目类别", "领域", "category"), width=12),
        Column("community", "服务社区", ("社区", "实施社区", "community"), width=16),
    )
    example = {
        "year": "2024",
        "call_name": "2024年香坊区公益创投大赛",
        "credit_code": "52230110MJ00000157",
        "org_name": "哈尔滨市香坊区示例社会工作服务中心",
        "title": "银龄互助睦邻行动",
        "amount": "50000.00",
        "outcome": "良好",
        "category": "养老",
        "community": "示例社区",
    }

    def parse(self, result, cells):
        self.parsed(result, cells, "year", parse_year, required=True)
        self.text(result, cells, "call_name", max_length=200, required=True)
        self.parsed(result, cells, "credit_code", credit_code_cell)
        self.text(result, cells, "org_name", max_length=200)
        self.text(result, cells, "title", max_length=200, required=True)
        scale = result.extra["scales"].get("amount", 1)
        self.parsed(result, cells, "amount", lambda raw: parse_amount(raw, scale), required=True)
        self.parsed(result, cells, "outcome", outcome_cell)
        self.text(result, cells, "category", max_length=40)
        self.text(result, cells, "community", max_length=120)
        given = result.values.get("credit_code") or result.values.get("org_name")
        if not given and not result.issues_of("credit_code"):
            result.refuse("org_name", _("Give the organization's credit code or its name."))

    def context(self, results, present):
        orgs = {}
        for org in db.session.scalars(select(Organization)):
            orgs[org.credit_code] = org
            orgs.setdefault(org.name, org)
        categories = {}
        for category in db.session.scalars(select(ServiceCategory)):
            for word in (category.name_zh, category.name_en.lower(), category.code.lower()):
                categories.setdefault(word, category)
        communities = {}
        for place in db.session.scalars(select(Community)):
            communities[place.full_name] = place
            communities[f"{place.street.name}{place.name}"] = place
            # a bare community name only where no other street has the same name
            communities[place.name] = None if place.name in communities else place
        names = [
            place.name if communities.get(place.name) else place.full_name
            for place in {p.id: p for p in communities.values() if p is not None}.values()
        ]
        return {
            "community_names": sorted(names),
            "orgs": orgs,
            "org_names": sorted({o.name for o in orgs.values()}),
            "categories": categories,
            "category_names": sorted({c.name_zh for c in categories.values()}),
            "communities": communities,
            "seen": {},
            "existing": {},
        }

    def decide(self, result, ctx):
        values = result.values
        org = None
        if values.get("credit_code"):
            org = ctx["orgs"].get(values["credit_code"])
            if org is None:
                result.refuse(
                    "credit_code", _("No organization has this credit code; import it first.")
                )
        elif values.get("org_name"):
            org = ctx["orgs"].get(values["org_name"])
            if org is None:
                self.unknown(
                    result, "org_name", _("organization"), values["org_name"], ctx["org_names"]
                )
        category = None
        if values.get("category"):
            word = values["category"]
            category = ctx["categories"].get(word) or ctx["categories"].get(word.lower())
            if category is None:
                self.unknown(result, "category", _("category"), word, ctx["category_names"])
        place = None
        if values.get("community"):
            name = values["community"]
            place = ctx["communities"].get(name)
            if place is None:
                known = ctx["community_names"]
                if name in ctx["communities"]:
                    result.refuse(
                        "community",
                        _(
                            "Several streets have a community “%(name)s”: write the street too.",
                            name=name,
                        ),
                    )
                else:
                    self.unknown(result, "community", _("community"), name, known)
        if org is not None and values.get("year") and values.get("title"):
            key = (org.id, values["year"], values["title"])
            first = ctx["seen"].setdefault(key, result.number)
            if first != result.number:
                result.refuse("title", _("The same project is on row %(row)d.", row=first))
        if result.refused:
            result.action = RowAction.REFUSED
            return
        values["organization_id"] = org.id
        values["category_id"] = category.id if category else None
        values["community_id"] = place.id if place else None
        result.extra["key"] = (org.id, values["year"], values["title"])

    def finish(self, results, ctx):
        """Match the accepted rows against the projects already recorded (one query a chunk)."""
        keys = [r.extra["key"] for r in results if "key" in r.extra]
        existing = {}
        for part in chunks(keys, 300):
            query = select(PastProject).where(
                tuple_(PastProject.organization_id, PastProject.year, PastProject.title).in_(part)
            )
            for project in db.session.scalars(query):
                existing[(project.organization_id, project.year, project.title)] = project
        for result in results:
            if "key" not in result.extra:
                continue
            project = existing.get(result.extra["key"])
            if project is None:
                result.action = RowAction.ADD
                continue
            result.target = project
            values = result.values
            self.compare(
                result,
                project,
                [
                    ("call_name", "call_name", values.get("call_name")),
                    ("amount", "amount", values.get("amount")),
                    ("outcome", "outcome", values.get("outcome")),
                    ("category", "category_id", values.get("category_id")),
                    ("community", "community_id", values.get("community_id")),
                ],
            )

    def apply(self, results, ctx, *, actor, batch):
        new, records = [], []
        for result in results:
            values = result.values
            if result.action == RowAction.ADD:
                project = PastProject(
                    organization_id=values["organization_id"],
                    year=values["year"],
                    call_name=values["call_name"],
                    title=values["title"],
                    amount=values["amount"],
                    outcome=values.get("outcome") or PastOutcome.UNKNOWN,
                    category_id=values["category_id"],
                    community_id=values["community_id"],
                )
                new.append((result, project))
            else:
                records.append(self.update_record(batch, result, result.target))
        db.session.add_all([p for _r, p in new])
        db.session.flush()
        records.extend(added(batch, result, project) for result, project in new)
        return records

    def typed(self, attribute, value):
        from decimal import Decimal

        if attribute == "amount":
            return Decimal(value)
        if attribute == "outcome":
            return PastOutcome(value)
        return value
