import sqlalchemy as sa

from venture.auth.enums import Role
from venture.core.audit import (
    GENESIS,
    AuditChainHead,
    AuditEntry,
    record,
    recorded_types,
    verify_chain,
)
from venture.extensions import db


def _entries(make, count):
    staff = make.user(Role.STAFF)
    org = make.org()
    for n in range(count):
        record("test.touch", org, actor=staff, after={"n": n})
    db.session.commit()
    return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_chain_links_each_row_to_the_previous(make):
    entries = _entries(make, 3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert verify_chain() == (3, None)


def test_altered_row_is_reported_exactly(make):
    entries = _entries(make, 4)
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == entries[2].id).values(after='{"n": 99}')
    )
    db.session.commit()
    checked, broken = verify_chain()
    assert (checked, broken.id) == (2, entries[2].id)


def test_deleted_row_breaks_the_chain_at_the_next(make):
    entries = _entries(make, 3)
    db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entries[1].id))
    db.session.commit()
    checked, broken = verify_chain()
    assert (checked, broken.id) == (1, entries[2].id)


def test_cli_verify_names_the_broken_row(app, make):
    entries = _entries(make, 2)
    ok = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert ok.output == "Audit chain intact: 2 rows verified.\n"
    db.session.execute(
        sa.update(AuditEntry).where(AuditEntry.id == entries[0].id).values(reason="changed")
    )
    db.session.commit()
    broken = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert broken.output.startswith(f"Audit chain broken at row id {entries[0].id} (seq 1,")


def test_recorded_types_are_the_distinct_types_in_order(make):
    assert recorded_types() == []
    staff = make.user(Role.STAFF)
    org = make.org()
    for obj in (org, staff, org, staff, org):
        record("test.touch", obj, actor=staff)
    db.session.commit()
    distinct = db.session.scalars(
        sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    assert recorded_types() == distinct == ["Organization", "User"]


def test_recorded_types_follow_the_entries_added_and_a_log_made_again(make):
    staff = make.user(Role.STAFF)
    org = make.org()
    record("test.touch", org, actor=staff)
    db.session.commit()
    assert recorded_types() == ["Organization"]
    assert recorded_types() == ["Organization"]  # the chain head has not moved
    record("test.touch", staff, actor=staff)
    record("test.touch", org, actor=staff)
    db.session.commit()
    assert recorded_types() == ["Organization", "User"]  # read from the entries added since

    # another log (a database made again), as long as the one read and then longer: the
    # entry at the seq read has another hash, so the log is read whole
    db.session.execute(sa.delete(AuditEntry))
    db.session.execute(sa.update(AuditChainHead).values(last_seq=0, last_hash=GENESIS))
    for _ in range(3):
        record("test.touch", staff, actor=staff)
    db.session.commit()
    assert recorded_types() == ["User"]
    record("test.touch", staff, actor=staff)
    db.session.commit()
    db.session.execute(sa.delete(AuditEntry))
    db.session.execute(sa.update(AuditChainHead).values(last_seq=0, last_hash=GENESIS))
    for obj in (org, org, org, org, org):
        record("test.touch", obj, actor=staff)
    db.session.commit()
    assert recorded_types() == ["Organization"]


def test_entry_count_is_the_chain_length_and_the_log_shows_it(client, login, make):
    from venture.core.audit import entry_count

    assert entry_count() == 0
    entries = _entries(make, 3)
    admin = make.user(Role.ADMIN)
    assert (
        entry_count() == len(entries) == db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    )
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "共 3 条" in page
    filtered = client.get("/admin/audit?type=User").get_data(as_text=True)
    assert "共 0 条" in filtered
