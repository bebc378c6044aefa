"""Small helpers that build valid records; each call makes new, unique rows."""

import itertools

from stdnum.cn import uscc

from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.timeutil import now
from venture.extensions import db
from venture.orgs.credit_code import org_type_for
from venture.orgs.enums import OrgStatus
from venture.orgs.models import Organization
from venture.reference.models import Community, ServiceCategory, Street

PASSWORD = "Secret12345"
_counter = itertools.count(1)


def credit_code(prefix="52"):
    body = f"{prefix}230110{next(_counter):09d}"
    return body + uscc.calc_check_digit(body)


def user(*roles, organization=None, community=None, email=None, name=None, password=PASSWORD):
    n = next(_counter)
    person = User(
        email=email or f"user{n}@example.com",
        name=name or f"用户{n}",
        organization=organization,
        community=community,
    )
    person.set_password(password)
    person.set_roles(roles or [Role.APPLICANT])
    db.session.add(person)
    db.session.commit()
    return person


def org(status=OrgStatus.VERIFIED, name=None, **fields):
    code = fields.pop("credit_code", None) or credit_code()
    n = next(_counter)
    organization = Organization(
        name=name or f"测试社会组织{n}",
        credit_code=code,
        org_type=org_type_for(code),
        legal_representative="王伟",
        address="哈尔滨市香坊区测试路1号",
        contact_name="李娜",
        contact_phone="13800000000",
        contact_email=f"org{n}@example.com",
        bank_name="中国工商银行",
        bank_account_name=name or f"测试社会组织{n}",
        bank_account="6222000000000000",
        status=status,
        verified_at=now() if status == OrgStatus.VERIFIED else None,
        **fields,
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def member(organization=None, **kwargs):
    """An applicant account in organization (a new verified one when not given)."""
    return user(Role.APPLICANT, organization=organization or org(), **kwargs)


def street(name=None, kind="street"):
    s = Street(name=name or f"测试街道{next(_counter)}", kind=kind)
    db.session.add(s)
    db.session.commit()
    return s


def community(street_=None, name=None):
    c = Community(name=name or f"测试社区{next(_counter)}", street=street_ or street())
    db.session.add(c)
    db.session.commit()
    return c


def category(code=None, name_zh="养老", name_en="Elderly care"):
    c = ServiceCategory(code=code or f"cat{next(_counter)}", name_zh=name_zh, name_en=name_en)
    db.session.add(c)
    db.session.commit()
    return c
