"""Importing organizations (社会组织) from the civil-affairs registry, and exporting the list."""

from flask_babel import gettext as _
from sqlalchemy import insert, select

from venture.extensions import db
from venture.imports.columns import Column
from venture.imports.enums import ImportKind, RowAction
from venture.imports.kinds import Kind, added, load_by
from venture.imports.parsers import CellError, half_width, parse_email, parse_phone
from venture.orgs.credit_code import InvalidCreditCode, normalise_credit_code, org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.reference.models import Street

CREDIT_CODE_ALIASES = (
    "信用代码",
    "社会信用代码",
    "统一信用代码",
    "统一代码",
    "组织机构代码",
    "credit code",
    "unified social credit code",
)
ORG_NAME_ALIASES = (
    "社会组织名称",
    "组织名称",
    "单位名称",
    "机构名称",
    "名称",
    "name",
    "organization",
)


def credit_code_cell(raw):
    try:
        return normalise_credit_code(half_width(raw))
    except InvalidCreditCode as error:
        raise CellError(str(error)) from error


class OrganizationKind(Kind):
    kind = ImportKind.ORGANIZATIONS
    columns = (
        Column("credit_code", "统一社会信用代码", CREDIT_CODE_ALIASES, required=True, width=24),
        Column("name", "组织名称", ORG_NAME_ALIASES, required=True, width=32),
        Column("legal_representative", "法定代表人", ("法人代表", "法人", "负责人")),
        Column("address", "住所", ("地址", "注册地址", "办公地址", "住址", "address"), width=36),
        Column("street", "所属街道", ("街道", "街道/镇", "所属街道/镇", "街道(镇)", "street")),
        Column("contact_name", "联系人", ("联系人姓名", "contact")),
        Column("contact_phone", "联系电话", ("电话", "手机", "联系方式", "手机号码", "phone")),
        Column("contact_email", "电子邮箱", ("邮箱", "电子邮件", "email", "e-mail"), width=26),
    )
    example = {
        "credit_code": "52230110MJ00000157",
        "name": "哈尔滨市香坊区示例社会工作服务中心",
        "legal_representative": "王伟",
        "address": "哈尔滨市香坊区示例路1号",
        "street": "示例街道",
        "contact_name": "李娜",
        "contact_phone": "13800000000",
        "contact_email": "contact@example.org",
    }
    # (column, attribute) compared on update; bank details are never imported: they change
    # only through the organization's own profile and staff verification
    FIELDS = (
        ("name", "name"),
        ("legal_representative", "legal_representative"),
        ("address", "address"),
        ("street", "street_id"),
        ("contact_name", "contact_name"),
        ("contact_phone", "contact_phone"),
        ("contact_email", "contact_email"),
    )

    def parse(self, result, cells):
        self.parsed(result, cells, "credit_code", credit_code_cell, required=True)
        self.text(result, cells, "name", max_length=200, required=True)
        self.text(result, cells, "legal_representative", max_length=60)
        self.text(result, cells, "address", max_length=300)
        self.text(result, cells, "street", max_length=60)
        self.text(result, cells, "contact_name", max_length=60)
        self.parsed(result, cells, "contact_phone", parse_phone)
        self.parsed(result, cells, "contact_email", parse_email)

    def context(self, results, present):
        codes = [r.values["credit_code"] for r in results if r.values.get("credit_code")]
        streets = {s.name: s for s in db.session.scalars(select(Street))}
        return {
            "orgs": load_by(Organization, Organization.credit_code, codes),
            "streets": streets,
            "seen": {},
        }

    def decide(self, result, ctx):
        values = result.values
        street_name = values.get("street")
        street = ctx["streets"].get(street_name) if street_name else None
        if street_name and street is None:
            self.unknown(result, "street", _("street"), street_name, ctx["streets"])
        code = values.get("credit_code")
        if code:
            first = ctx["seen"].setdefault(code, result.number)
            if first != result.number:
                result.refuse(
                    "credit_code", _("The same credit code is on row %(row)d.", row=first)
                )
        if result.refused:
            result.action = RowAction.REFUSED
            return
        values["street_id"] = street.id if street else None
        org = ctx["orgs"].get(code)
        if org is None:
            result.action = RowAction.ADD
            return
        result.target = org
        self.compare(
            result,
            org,
            [
                (name, attribute, values["street_id"] if name == "street" else values.get(name))
                for name, attribute in self.FIELDS
            ],
        )

    def apply(self, results, ctx, *, actor, batch):
        new = []
        records = []
        for result in results:
            if result.action == RowAction.ADD:
                new.append(result)
            elif result.action == RowAction.UPDATE:
                records.append(self.update_record(batch, result, result.target))
        if new:
            # one INSERT … RETURNING for all of them: thousands of rows in a second
            statement = insert(Organization).returning(
                Organization.id, sort_by_parameter_order=True
            )
            ids = db.session.scalars(statement, [self.build(r.values) for r in new]).all()
            records.extend(
                added(batch, result, Organization, id_)
                for result, id_ in zip(new, ids, strict=True)
            )
        return records

    def build(self, values):
        """The column values of a new organization."""
        code = values["credit_code"]
        return {
            "credit_code": code,
            "org_type": org_type_for(code),
            "name": values["name"],
            "legal_representative": values.get("legal_representative") or "",
            "address": values.get("address") or "",
            "street_id": values.get("street_id"),
            "contact_name": values.get("contact_name") or "",
            "contact_phone": values.get("contact_phone") or "",
            "contact_email": values.get("contact_email") or "",
            "bank_name": "",
            "bank_account_name": "",
            "bank_account": "",
            "status": OrgStatus.PENDING,
        }

    def export_rows(self):
        """The organization list in the template's columns, by credit code."""
        query = (
            select(Organization, Street.name)
            .outerjoin(Street, Organization.street_id == Street.id)
            .order_by(Organization.credit_code)
        )
        for org, street_name in db.session.execute(query):
            yield [
                org.credit_code,
                org.name,
                org.legal_representative,
                org.address,
                street_name or "",
                org.contact_name,
                org.contact_phone,
                org.contact_email,
            ]
