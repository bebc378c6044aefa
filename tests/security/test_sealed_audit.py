"""Finding 4: before the opening, the audit log does not say who worked on a bid, from where,
or with what digest; the opening reveals the bidders (a draft never opened stays sealed)."""

import sqlalchemy as sa

from tests.procurement import helpers as tenders
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db


def _bid_rows(client):
    return client.get("/admin/audit?type=Bid").get_data(as_text=True)


def test_audit_log_hides_bidders_and_digests_before_the_opening(client, make, login):
    tender = tenders.published_tender()
    sealed = tenders.bid(tender, "90000.00")
    draft = tenders.bid(tender, "80000.00", submit=False)
    digest = sealed.seal_digest
    names = (sealed.member.name, draft.member.name)
    login(make.user(Role.ADMIN))
    page = _bid_rows(client)
    assert (
        page.count('class="audit-action" title="bid.'),
        page.count(digest),
        *(page.count(n) for n in names),
    ) == (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.object_type == "Bid")),
        0,
        0,
        0,
    )
    # asking by the bidder's e-mail does not tell whether they acted
    by_actor = client.get(f"/admin/audit?type=Bid&actor={sealed.member.email}")
    assert by_actor.get_data(as_text=True).count('class="audit-action" title="bid.') == 0


def test_opening_reveals_the_bidders_in_the_audit_log(client, make, login):
    tender = tenders.published_tender()
    sealed = tenders.bid(tender, "90000.00")
    draft = tenders.bid(tender, "80000.00", submit=False)
    tenders.opened(tender)
    login(make.user(Role.ADMIN))
    page = _bid_rows(client)
    assert (
        page.count(sealed.member.name) >= 1,
        sealed.seal_digest in page,
        page.count(draft.member.name),
    ) == (True, True, 0)


def test_sealed_view_never_writes_the_masked_values_back(client, make, login):
    tender = tenders.published_tender()
    sealed = tenders.bid(tender, "90000.00")
    bid_id, member_id = sealed.id, sealed.member.id
    login(make.user(Role.ADMIN))
    _bid_rows(client)
    db.session.remove()
    actors = set(
        db.session.scalars(
            sa.select(AuditEntry.actor_id).where(
                AuditEntry.object_type == "Bid", AuditEntry.object_id == bid_id
            )
        )
    )
    assert actors == {member_id}
