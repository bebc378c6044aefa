"""Reference data changes, audited."""

from flask_babel import gettext as _
from sqlalchemy import select

from venture.core import audit
from venture.core.actions import Refused
from venture.extensions import db
from venture.reference.models import Community, ServiceCategory, Street


class ReferenceError_(Refused):
    """A refused reference-data change with a message for a person."""


def add_street(*, name, kind, actor):
    if db.session.scalar(select(Street).where(Street.name == name.strip())):
        raise ReferenceError_(_("A street or town with this name exists already."))
    street = Street(name=name.strip(), kind=kind)
    db.session.add(street)
    audit.record("street.create", street, actor=actor, after={"name": street.name, "kind": kind})
    return street


def add_community(*, name, street, actor):
    exists = select(Community).where(
        Community.street_id == street.id, Community.name == name.strip()
    )
    if db.session.scalar(exists):
        raise ReferenceError_(_("This street already has a community with this name."))
    community = Community(name=name.strip(), street=street)
    audit.record_added(
        "community.create",
        community,
        actor=actor,
        after={"name": community.name, "street": street.name},
    )
    return community


def add_category(*, code, name_zh, name_en, actor):
    if db.session.scalar(select(ServiceCategory).where(ServiceCategory.code == code.strip())):
        raise ReferenceError_(_("A category with this code exists already."))
    category = ServiceCategory(code=code.strip(), name_zh=name_zh.strip(), name_en=name_en.strip())
    audit.record_added(
        "category.create",
        category,
        actor=actor,
        after={"code": category.code, "name_zh": category.name_zh},
    )
    return category


def set_active(record, active, *, actor):
    if record.active != active:
        record.active = active
        audit.record(
            f"{type(record).__name__.lower()}.active",
            record,
            actor=actor,
            before={"active": not active},
            after={"active": active},
        )
