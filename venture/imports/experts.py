"""Importing the expert pool (评审专家): accounts, fields of expertise and affiliations.

An expert is matched on the phone or the e-mail; a new one gets a reviewer account that no
password opens, and sets their own through "forgot password".
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db
from venture.imports.columns import Column
from venture.imports.enums import ImportKind, RowAction
from venture.imports.kinds import Kind, chunks
from venture.imports.models import ImportRecord
from venture.imports.parsers import half_width, parse_email, parse_phone, split_list
from venture.orgs.models import Organization
from venture.reference.models import ServiceCategory
from venture.review.enums import AffiliationKind
from venture.review.models import ReviewerAffiliation, ReviewerProfile
from venture.review.operations import add_affiliation

UNUSABLE_PASSWORD = "!imported"
TIE_WORDS = {
    "任职": AffiliationKind.EMPLOYMENT,
    "工作": AffiliationKind.EMPLOYMENT,
    "employment": AffiliationKind.EMPLOYMENT,
    "理事": AffiliationKind.GOVERNANCE,
    "监事": AffiliationKind.GOVERNANCE,
    "理事/监事": AffiliationKind.GOVERNANCE,
    "governance": AffiliationKind.GOVERNANCE,
    "亲属": AffiliationKind.FAMILY,
    "family": AffiliationKind.FAMILY,
    "其他": AffiliationKind.OTHER,
    "other": AffiliationKind.OTHER,
}
_TIE = re.compile(r"^(?P<org>.+?)\s*[(（](?P<kind>[^)）]+)[)）]$")


def split_ties(value):
    """'代码或名称(任职); 代码或名称(理事)' → [(organization text, kind word or '')]."""
    ties = []
    for part in re.split(r"[;；\n]+", str(value or "")):
        part = part.strip()
        if not part:
            continue
        match = _TIE.match(part)
        if match:
            ties.append((match["org"].strip(), match["kind"].strip()))
        else:
            ties.append((part, ""))
    return ties


class ExpertKind(Kind):
    kind = ImportKind.EXPERTS
    columns = (
        Column("name", "姓名", ("专家姓名", "name"), required=True, width=12),
        Column("phone", "手机", ("手机号", "手机号码", "联系电话", "电话", "phone"), width=16),
        Column("email", "电子邮箱", ("邮箱", "电子邮件", "email", "e-mail"), width=26),
        Column("title", "职称", ("职务/职称", "title"), width=14),
        Column("employer", "工作单位", ("单位", "所在单位", "employer"), width=30),
        Column(
            "fields",
            "专业领域",
            ("擅长领域", "服务领域", "评审领域", "领域", "fields"),
            width=24,
        ),
        Column(
            "ties",
            "关联组织",
            ("关联单位", "利益关联", "关联社会组织", "affiliations"),
            width=40,
        ),
    )
    example = {
        "name": "赵敏",
        "phone": "13900000000",
        "email": "zhao.min@example.org",
        "title": "副教授",
        "employer": "黑龙江大学社会学院",
        "fields": "养老、助残",
        "ties": "52230110MJ00000157(理事)",
    }

    def parse(self, result, cells):
        self.text(result, cells, "name", max_length=100, required=True)
        self.parsed(result, cells, "phone", parse_phone)
        self.parsed(result, cells, "email", parse_email)
        self.text(result, cells, "title", max_length=60)
        self.text(result, cells, "employer", max_length=200)
        result.values["fields"] = split_list(cells.get("fields"))
        result.values["ties"] = split_ties(cells.get("ties"))
        if not result.values.get("phone") and not result.values.get("email"):
            result.refuse(
                "email", _("Give the expert's phone or e-mail: rows are matched on them.")
            )

    def context(self, results, present):
        emails = {r.values["email"] for r in results if r.values.get("email")}
        phones = {r.values["phone"] for r in results if r.values.get("phone")}
        users = {}
        for part in chunks(emails):
            for user in db.session.scalars(select(User).where(func.lower(User.email).in_(part))):
                users[user.email.lower()] = user
        profiles = list(
            db.session.scalars(
                select(ReviewerProfile)
                .join(User, ReviewerProfile.user_id == User.id)
                .where(
                    or_(
                        func.lower(User.email).in_(emails or [""]),
                        ReviewerProfile.phone.in_(phones or [""]),
                        User.phone.in_(phones or [""]),
                    )
                )
            )
        )
        by_email = {p.user.email.lower(): p for p in profiles}
        by_phone = {}
        for profile in profiles:
            for phone in (profile.phone, profile.user.phone):
                if phone:
                    by_phone.setdefault(phone, profile)
        categories = {}
        for category in db.session.scalars(select(ServiceCategory).order_by(ServiceCategory.id)):
            for word in (category.name_zh, category.name_en.lower(), category.code.lower()):
                categories.setdefault(word, category)
        orgs = {}
        for org in db.session.scalars(select(Organization)):
            orgs[org.credit_code] = org
            orgs.setdefault(org.name, org)
        return {
            "users": users,
            "by_email": by_email,
            "by_phone": by_phone,
            "categories": categories,
            "category_names": [c.name_zh for c in categories.values()],
            "orgs": orgs,
            "org_names": [o.name for o in orgs.values()],
            "seen_email": {},
            "seen_phone": {},
        }

    def decide(self, result, ctx):
        values = result.values
        for key, name in (("email", "seen_email"), ("phone", "seen_phone")):
            if values.get(key):
                first = ctx[name].setdefault(values[key], result.number)
                if first != result.number:
                    message = (
                        _("The same e-mail is on row %(row)d.", row=first)
                        if key == "email"
                        else _("The same phone is on row %(row)d.", row=first)
                    )
                    result.refuse(key, message)
        categories = []
        for word in values["fields"]:
            category = ctx["categories"].get(word) or ctx["categories"].get(word.lower())
            if category is None:
                self.unknown(result, "fields", _("field"), word, ctx["category_names"])
            elif category not in categories:
                categories.append(category)
        ties = []
        for text, word in values["ties"]:
            org = ctx["orgs"].get(half_width(text).upper()) or ctx["orgs"].get(text)
            kind = TIE_WORDS.get(word.lower()) if word else AffiliationKind.EMPLOYMENT
            if org is None:
                self.unknown(result, "ties", _("organization"), text, ctx["org_names"])
            elif kind is None:
                result.refuse(
                    "ties",
                    _("Unknown tie “%(word)s”: write 任职, 理事, 监事, 亲属 or 其他.", word=word),
                )
            elif (org.id, kind) not in ties:
                ties.append((org.id, kind))
        values["categories"], values["tie_keys"] = categories, ties
        by_email = ctx["by_email"].get(values.get("email") or "")
        by_phone = ctx["by_phone"].get(values.get("phone") or "")
        if by_email and by_phone and by_email is not by_phone:
            result.refuse(
                "phone",
                _(
                    "This phone belongs to the expert %(a)s, the e-mail to %(b)s.",
                    a=by_phone.name,
                    b=by_email.name,
                ),
            )
        expert = by_email or by_phone
        if expert and values.get("email") and expert.user.email.lower() != values["email"]:
            result.refuse(
                "email",
                _(
                    "The expert with this phone signs in as %(email)s; an account's e-mail "
                    "is changed on its own page.",
                    email=expert.user.email,
                ),
            )
        if expert is None and not values.get("email") and not result.issues_of("email"):
            result.refuse("email", _("A new expert needs an e-mail for the account."))
        if result.refused:
            result.action = RowAction.REFUSED
            return
        if expert is None:
            result.extra["user"] = ctx["users"].get(values["email"])
            result.action = RowAction.ADD
            return
        result.target = expert
        self.compare(
            result,
            expert,
            [(k, k, values.get(k)) for k in ("title", "employer", "phone")],
        )
        if values["name"] != expert.user.name:
            result.changes["name"] = (expert.user.name, values["name"])
        have = [c.code for c in expert.expertise]
        want = sorted({*have, *(c.code for c in categories)})
        if "fields" in result.present and categories and want != sorted(have):
            result.changes["expertise"] = (sorted(have), want)
        held = {(a.organization_id, a.kind) for a in expert.affiliations}
        result.extra["new_ties"] = [t for t in ties if t not in held]
        if result.extra["new_ties"]:
            result.changes["ties"] = (len(held), len(held) + len(result.extra["new_ties"]))
        result.action = RowAction.UPDATE if result.changes else RowAction.UNCHANGED

    def apply(self, results, ctx, *, actor, batch):
        records = []
        for result in results:
            if result.action == RowAction.ADD:
                expert, record = self._add(result, batch)
                ties = result.values["tie_keys"]
            else:
                expert, record = result.target, self.update_record(batch, result, result.target)
                ties = result.extra["new_ties"]
            records.append(record)
            for organization_id, kind in ties:
                if result.action == RowAction.ADD:
                    tie = ReviewerAffiliation(
                        reviewer=expert,
                        organization_id=organization_id,
                        kind=kind,
                        role="",
                        created_by_id=actor.id,
                    )
                    db.session.add(tie)
                else:
                    # a known expert's new tie ends their open assignments on that
                    # organization's applications, as when staff record it by hand
                    tie, _withdrawn = add_affiliation(
                        expert,
                        organization=db.session.get(Organization, organization_id),
                        kind=kind,
                        role="",
                        started_on=None,
                        ended_on=None,
                        actor=actor,
                    )
                db.session.flush()
                records.append(
                    ImportRecord(
                        batch_id=batch.id,
                        row_number=result.number,
                        action=RowAction.ADD,
                        object_type="ReviewerAffiliation",
                        object_id=tie.id,
                    )
                )
        return records

    def _add(self, result, batch):
        values = result.values
        user = result.extra.get("user")
        created = user is None
        if created:
            user = User(
                email=values["email"], name=values["name"], phone=values.get("phone") or None
            )
            # no password until the expert sets one through "forgot password": a hash no
            # password matches (hashing one per row would cost ~50 ms each with scrypt)
            user.password_hash = UNUSABLE_PASSWORD
            user.set_roles([Role.REVIEWER])
            db.session.add(user)
        role_added = not user.has_role(Role.REVIEWER)
        if role_added:
            user.set_roles([*user.roles, Role.REVIEWER])
        expert = ReviewerProfile(
            user=user,
            title=values.get("title") or "",
            employer=values.get("employer") or "",
            phone=values.get("phone") or "",
        )
        expert.expertise = sorted(values["categories"], key=lambda c: c.id)
        db.session.add(expert)
        db.session.flush()
        return expert, ImportRecord(
            batch_id=batch.id,
            row_number=result.number,
            action=RowAction.ADD,
            object_type="ReviewerProfile",
            object_id=expert.id,
            after={"user_id": user.id, "user_created": created, "role_added": role_added},
        )

    unapplied_changes = ("ties",)

    def apply_change(self, expert, attribute, new, result):
        if attribute == "name":
            expert.user.name = new
        elif attribute == "expertise":
            wanted = {*expert.expertise, *result.values["categories"]}
            expert.expertise = sorted(wanted, key=lambda c: c.id)
        else:
            setattr(expert, attribute, new)

    def restore(self, expert, entry):
        current = {
            "name": expert.user.name,
            "expertise": sorted(c.code for c in expert.expertise),
            "title": expert.title,
            "employer": expert.employer,
            "phone": expert.phone,
        }
        for attribute, value in entry.after.items():
            if current[attribute] != value:
                return _(
                    "row %(row)d: %(field)s was changed after the import",
                    row=entry.row_number,
                    field=attribute,
                )
        for attribute, value in entry.before.items():
            if attribute == "name":
                expert.user.name = value
            elif attribute == "expertise":
                expert.expertise = [c for c in expert.expertise if c.code in value]
            else:
                setattr(expert, attribute, value)
        return None
