"""paginate: a list read by key (the deep-page path) shows exactly the rows, in exactly the
order, that OFFSET shows, on every page; a page past the end shows the last page."""

import pytest
import sqlalchemy as sa
from flask import current_app

from tests import factories
from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.pagination import Marks, paginate
from venture.extensions import db


@pytest.fixture
def users():
    # names repeat, so the order needs its tie-breaker (the id) and runs against the ids' order
    for n in range(47):
        factories.user(Role.STAFF, name=f"分页{(n * 7) % 5}")
    db.session.commit()


def listed(page_number, **kwargs):
    query = sa.select(User).order_by(User.name.desc(), User.id)
    with current_app.test_request_context(f"/?page={page_number}"):
        page = paginate(query, per_page=10, **kwargs)
    return page.page, page.total, [user.id for user in page.items]


@pytest.mark.usefixtures("users")
@pytest.mark.parametrize("page_number", [1, 2, 3, 5, 6, 99, "x"])
def test_a_page_read_by_key_is_the_page_offset_reads(page_number):
    by_offset = listed(page_number)
    assert listed(page_number, key=User.id) == by_offset
    assert by_offset[:2] == ({1: 1, 2: 2, 3: 3, 5: 5, 6: 5, 99: 5, "x": 1}[page_number], 47)
    assert len(by_offset[2]) == (7 if by_offset[0] == 5 else 10)


def test_an_empty_list_read_by_key():
    query = sa.select(User).where(User.name == "没有这个人").order_by(User.id)
    with current_app.test_request_context("/?page=3"):
        page = paginate(query, key=User.id)
    assert (page.page, page.total, page.items) == (1, 0, [])


@pytest.mark.parametrize("page_number", [1, 2, 5, 6, 99, "x"])
def test_a_page_read_by_its_numbers_is_the_page_offset_reads(page_number):
    from venture.core.audit import AuditEntry, entry_count, record

    actor = factories.user(Role.ADMIN)
    db.session.flush()
    for n in range(47 - entry_count()):
        record("user.note", actor, actor=actor, after={"n": n})
    db.session.commit()
    assert entry_count() == 47
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc())
    with current_app.test_request_context(f"/?page={page_number}"):
        by_offset = paginate(query, per_page=10)
        numbered = paginate(query, per_page=10, total=47, numbered=AuditEntry.seq)
    expected_page = {1: 1, 2: 2, 5: 5, 6: 5, 99: 5, "x": 1}[page_number]
    assert (numbered.page, numbered.total) == (by_offset.page, by_offset.total)
    assert (numbered.page, numbered.total) == (expected_page, 47)
    assert [entry.seq for entry in numbered.items] == [entry.seq for entry in by_offset.items]
    first = 47 - (expected_page - 1) * 10
    assert [entry.seq for entry in numbered.items] == list(range(first, max(0, first - 10), -1))


@pytest.mark.usefixtures("users")
def test_a_page_read_from_its_mark_is_the_page_offset_reads():
    order = (User.name, User.id)
    ordered = db.session.execute(sa.select(*order).order_by(*order)).all()
    asked = []

    def keys():
        asked.append(True)
        return [list(row) for row in ordered[::7]]

    query = sa.select(User)
    for number in range(1, 17):
        with current_app.test_request_context(f"/?page={number}"):
            by_offset = paginate(query.order_by(*order).offset(0), per_page=3)
            asked.clear()
            marked = paginate(query, per_page=3, total=47, order=order, marks=Marks(7, keys))
        assert [user.id for user in marked.items] == [user.id for user in by_offset.items]
        skip, after = (number - 1) * 3, max(0, 47 - number * 3)
        assert bool(asked) == (min(skip, after) >= 7), number  # marks read for deep pages only
    assert [user.id for user in marked.items] == [ordered[45][1], ordered[46][1]]


@pytest.mark.usefixtures("users")
def test_marks_that_do_not_reach_the_page_leave_it_to_offset():
    order = (User.name, User.id)
    ordered = db.session.execute(sa.select(*order).order_by(*order)).all()
    with current_app.test_request_context("/?page=8"):
        page = paginate(
            sa.select(User),
            per_page=3,
            total=47,
            order=order,
            marks=Marks(7, lambda: [[None, 1]] * 7),
        )
    assert [user.id for user in page.items] == [row[1] for row in ordered[21:24]]
