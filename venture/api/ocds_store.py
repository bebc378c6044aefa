"""The stored OCDS package of a call and the stamp that keeps it current.

A city call's release is megabytes of JSON built in about a second, so it is stored
(core.cache.stamped_json) and served as it is stored while its stamp is unchanged. The stamp
is the call's own row: its release_version, which the Session hook below moves on whenever a
flush adds, changes or removes a record the release shows, its updated_at, its status (a
matter of the clock) and the publishing settings. Reading it is one lookup by primary key.

Every writer of those records goes through the ORM: no bulk UPDATE or DELETE statement writes
them (the Call's rubric_version, the one UPDATE of a call row outside it, also moves
updated_at). What the package was built from is stored with it (contents), so
`flask integrity check` finds a change that slipped past the hook (rule ocds.package_stamp).
"""

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from venture.announcements.models import Announcement
from venture.api import ocds
from venture.applications.enums import ApplicationState
from venture.applications.models import Application, Milestone
from venture.calls.models import Call, call_category
from venture.contracts.document import party_a
from venture.contracts.models import Contract
from venture.core.cache import stamped_json, stored_stamps
from venture.core.timeutil import now
from venture.delivery.models import PlanMilestone, Project
from venture.extensions import db
from venture.integrity.registry import Finding, register_check
from venture.orgs.models import Organization
from venture.payments.models import Installment, Payment
from venture.procurement.models import Award, Bid, Clarification, Designation, Tender
from venture.reference.models import ServiceCategory

KEY_PREFIX = "ocds-package:"

# ── the stamp, moved by every flush that changes what a release shows ────────────────────────

# the records a release shows that hang below another one: the relationship that leads up
# towards the call, its foreign key and the parent's class (for a record whose relationship is
# not set)
_UP = {
    Clarification: ("tender", "tender_id", Tender),
    Bid: ("tender", "tender_id", Tender),
    Milestone: ("application", "application_id", Application),
    Installment: ("contract", "contract_id", Contract),
    Payment: ("installment", "installment_id", Installment),
    PlanMilestone: ("project", "project_id", Project),
}
# the records a release shows that belong to a call (call_id)
_OF_CALL = (Tender, Designation, Application, Award, Contract, Announcement, Project)
# what a release shows of an organization (a party) and of a service category (an item)
_PARTY_COLUMNS = ("name", "credit_code", "address")
_CATEGORY_COLUMNS = ("code", "name_zh")


def _call_of(session, record):
    """The id of the call whose release shows record, or None (none does, or the call is not
    inserted yet)."""
    while type(record) in _UP:
        name, key, parent = _UP[type(record)]
        above = getattr(record, name)
        if above is None and getattr(record, key) is not None:
            above = session.get(parent, getattr(record, key))
        record = above
    if isinstance(record, Application) and _draft(record):
        return None  # a draft is in no release (only submitted applications are counted)
    if isinstance(record, _OF_CALL):
        return record.call_id if record.call_id is not None else getattr(record.call, "id", None)
    return None


def _draft(application):
    # a new row's state is still None here: the column's default, draft, comes at INSERT
    state = application.state or ApplicationState.DRAFT
    return state == ApplicationState.DRAFT and application.number is None


def _changed(record, columns):
    state = sa.inspect(record)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _parties_calls(organization_ids):
    """The calls whose release names one of these organizations as a party."""
    return sa.union(
        sa.select(Award.call_id).where(Award.organization_id.in_(organization_ids)),
        sa.select(Tender.call_id)
        .join(Bid, Bid.tender_id == Tender.id)
        .where(Bid.organization_id.in_(organization_ids)),
        sa.select(Contract.call_id).where(Contract.organization_id.in_(organization_ids)),
    )


@sa.event.listens_for(Session, "before_flush")
def keep_release_version(session, _context, _instances):
    """Every flush that adds, changes or removes a record a call's release shows moves that
    call's release_version on, whichever operation made the change: the call itself (its
    categories too), its tender, clarifications, designation, bids, numbered applications
    and their milestones, awards, contracts, installments, payments, announcements, projects
    and their milestones; a party's name, code or address; a category's code or name."""
    call_ids, organization_ids, category_ids = set(), set(), set()
    changed = [r for r in session.dirty if session.is_modified(r)]
    for record in [*session.new, *changed, *session.deleted]:
        if isinstance(record, Call):
            call_ids.add(record.id)
        elif isinstance(record, Organization):
            if record.id is not None and _changed(record, _PARTY_COLUMNS):
                organization_ids.add(record.id)
        elif isinstance(record, ServiceCategory):
            if record.id is not None and _changed(record, _CATEGORY_COLUMNS):
                category_ids.add(record.id)
        elif isinstance(record, (*_UP, *_OF_CALL)):
            call_ids.add(_call_of(session, record))
    call_ids.discard(None)  # a call not inserted yet has no stored package
    chosen = []
    if call_ids:
        chosen.append(Call.id.in_(sorted(call_ids)))
    if organization_ids:
        chosen.append(Call.id.in_(_parties_calls(sorted(organization_ids))))
    if category_ids:
        linked = sa.select(call_category.c.call_id)
        chosen.append(Call.id.in_(linked.where(call_category.c.category_id.in_(category_ids))))
    if chosen:
        table = Call.__table__
        session.connection().execute(
            table.update()
            .where(sa.or_(*chosen))
            # bookkeeping, not an edit of the call: its updated_at stays
            .values(release_version=table.c.release_version + 1, updated_at=table.c.updated_at)
        )


def _settings():
    return [
        ocds.ocid_prefix(),
        current_app.config.get("OCDS_PARTY_SCHEME", ocds.DEFAULT_PARTY_SCHEME),
        current_app.config.get("OCDS_LICENSE", ocds.DEFAULT_LICENSE),
        party_a(),
    ]


def release_stamp(call_id):
    """The stamp of the call's release, or None when there is no such published call: one
    lookup of the call's row."""
    row = db.session.execute(
        sa.select(
            Call.release_version,
            Call.updated_at,
            Call.published_at,
            Call.cancelled_at,
            Call.opens_at,
            Call.closes_at,
        ).where(Call.id == call_id)
    ).first()
    if row is None or row.published_at is None:
        return None
    status = Call.status_at(row, now())  # it reads the row's four moments only
    return [call_id, row.release_version, row.updated_at.isoformat(), status.value, _settings()]


def call_package(call_id, uri):
    """{"data": its UTF-8 bytes, "etag": their hash} of the call's release package, or None
    when there is no such published call; built again only when the call's stamp moves, and
    stored in the database, so every worker and app server shares it."""
    stamp = release_stamp(call_id)
    if stamp is None:
        return None

    def build():
        release = ocds.releases([db.session.get(Call, call_id)])
        return json.dumps(ocds.package(release, uri), ensure_ascii=False, separators=(",", ":"))

    return stamped_json(
        _key(call_id, uri), stamp, build, note=lambda: contents(db.session.get(Call, call_id))
    )


def _key(call_id, uri):
    # the links in the package are absolute: one stored package per address it is served at
    return f"{KEY_PREFIX}{call_id}:{hashlib.sha256(uri.encode()).hexdigest()[:16]}"


# ── what the package is built from, for the integrity check ──────────────────────────────────


def _changes(model, *where, latest=None):
    """(count, latest change) of model's rows matching where, as two scalar subqueries."""
    latest = model.updated_at if latest is None else latest
    base = sa.select().select_from(model).where(*where)
    return (
        base.add_columns(sa.func.count()).scalar_subquery(),
        base.add_columns(sa.func.max(latest)).scalar_subquery(),
    )


def contents(call):
    """What call's release is built from, in one statement: for each kind of record it shows,
    how many there are and their latest change (updated_at; the newest id for rows that are
    only ever added), with the call's categories. Stored with the package when it is built;
    the same figures later under the same stamp mean no change slipped past the stamp.

    The rows without updated_at: payments and clarifications are only added; an application's
    milestones change only while it is editable, with the application's row; the projects'
    milestones change only when a progress report is accepted (venture.delivery.operations
    decide_report), with that report's row."""
    from venture.delivery.models import ProgressReport

    this = call.id
    tender_ids = sa.select(Tender.id).where(Tender.call_id == this)
    contract_ids = sa.select(Contract.id).where(Contract.call_id == this)
    project_ids = sa.select(Project.id).where(Project.call_id == this)
    awarded = sa.select(Award.application_id).where(Award.call_id == this)
    parties = sa.union(
        sa.select(Award.organization_id).where(Award.call_id == this),
        sa.select(Bid.organization_id).where(Bid.tender_id.in_(tender_ids)),
        sa.select(Contract.organization_id).where(Contract.call_id == this),
    )
    installment_ids = sa.select(Installment.id).where(Installment.contract_id.in_(contract_ids))
    columns = [
        *_changes(Tender, Tender.call_id == this),
        *_changes(Clarification, Clarification.tender_id.in_(tender_ids), latest=Clarification.id),
        *_changes(Designation, Designation.call_id == this),
        *_changes(Bid, Bid.tender_id.in_(tender_ids)),
        *_changes(Application, Application.call_id == this),
        *_changes(Milestone, Milestone.application_id.in_(awarded), latest=Milestone.id),
        *_changes(Award, Award.call_id == this),
        *_changes(Contract, Contract.call_id == this),
        *_changes(Installment, Installment.contract_id.in_(contract_ids)),
        *_changes(Payment, Payment.installment_id.in_(installment_ids), latest=Payment.id),
        *_changes(Announcement, Announcement.call_id == this),
        *_changes(Project, Project.call_id == this),
        *_changes(
            PlanMilestone, PlanMilestone.project_id.in_(project_ids), latest=PlanMilestone.id
        ),
        *_changes(ProgressReport, ProgressReport.project_id.in_(project_ids)),
        *_changes(Organization, Organization.id.in_(parties)),
    ]
    counts = db.session.execute(sa.select(*columns)).one()
    return [
        [[c.id, c.code, c.name_zh] for c in call.categories],
        [v.isoformat() if isinstance(v, datetime) else v for v in counts],
    ]


@register_check("ocds.package_stamp")
def check_package_stamps():
    """A stored OCDS package whose stamp is still the call's was built from the records as they
    are now: every change a release shows moved the call's release_version."""
    for key, stored in stored_stamps(KEY_PREFIX):
        call_id = int(key.removeprefix(KEY_PREFIX).split(":")[0])
        if stored.get("stamp") != release_stamp(call_id) or "note" not in stored:
            continue  # built again at its next request
        built_from = json.loads(json.dumps(contents(db.session.get(Call, call_id))))
        if stored["note"] != built_from:
            yield Finding(
                "ocds.package_stamp",
                f"call {call_id}",
                "a record of its release changed after its stored OCDS package was built, and "
                "the call's release_version did not move",
            )
