"""Bounded queries: each heavy page and each list runs as many SQL statements for 500 rows
as for 10 (no N+1), and lists show one page of PAGE_SIZE rows.

Every test builds 10 rows, counts the statements of one request, grows the data to 500 rows
in bulk (tests/querycount.clone) and counts again. Rows carry a marker (QC + digits) in the
text a page shows, so the number of rows on a page is counted whatever the template.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import factories
from tests.querycount import clone, count_statements, counted_get, marked
from tests.review import helpers as review
from venture.auth.enums import Role
from venture.core.files import StoredFile
from venture.core.timeutil import now
from venture.extensions import db
from venture.review.enums import AssignmentState, SheetState
from venture.review.models import ReviewAssignment, ReviewScore, ReviewSheet

FEW, MANY = 10, 500
_n = itertools.count(1)


@pytest.fixture
def page_size(app):
    return app.config["PAGE_SIZE"]


def bounded(
    client, name, url, grow, *, listed=None, start=0, also=(), status=200, headers=None, warm=False
):
    """Grow to FEW rows (start are there already), count, grow to MANY, count again: the
    counts must be equal; with listed (the page size, or MANY for unpaginated pages) the rows
    shown are counted too. also: more (name, url) pairs measured on the same data. warm: each
    page requested once before it is counted (a figure kept under a stamp the growth moved is
    then read, as on every request but the first after a write). Returns {name: statements}
    of every page measured."""
    pages = [(name, url), *also]
    grow(FEW - start)
    db.session.commit()
    few = {}
    for page, address in pages:
        if warm:
            client.get(address, headers=headers)
        few[page], response = counted_get(client, address, status, headers=headers)
        if listed:
            assert marked(response.get_data(as_text=True), "QC") == min(FEW, listed), page
    grow(MANY - FEW)
    db.session.commit()
    counts = {}
    for page, address in pages:
        if warm:
            client.get(address, headers=headers)
        many, response = counted_get(client, address, status, headers=headers)
        if listed:
            assert marked(response.get_data(as_text=True), "QC") == min(MANY, listed), page
        print(f"\n{page}: {len(few[page])} statements with {FEW} rows, {len(many)} with {MANY}")
        assert len(few[page]) == len(many), (page, _diff(few[page], many))
        counts[page] = len(many)
    return counts


def _diff(few, many):
    """The statements the larger request ran more often: what the N+1 is."""
    seen = {}
    for statement in many:
        seen[statement] = seen.get(statement, 0) + 1
    for statement in few:
        seen[statement] = seen.get(statement, 0) - 1
    return "\n\n".join(f"{n:+d}: {s[:400]}" for s, n in seen.items() if n)


# ── builders: a seed made by the factories, then clones with their own related rows ─────────


def new_org():
    """A verified organization like the factory's, not committed (bulk)."""
    from venture.orgs.credit_code import org_type_for
    from venture.orgs.enums import OrgStatus
    from venture.orgs.models import Organization

    n, code = next(_n), factories.credit_code()
    made = Organization(
        name=f"查询计数组织{n}",
        credit_code=code,
        org_type=org_type_for(code),
        legal_representative="王伟",
        address="哈尔滨市香坊区测试路1号",
        contact_name="李娜",
        contact_phone="13800000000",
        contact_email=f"qc{n}@example.com",
        bank_name="中国工商银行",
        bank_account_name=f"查询计数组织{n}",
        bank_account="6222000000000000",
        status=OrgStatus.VERIFIED,
        verified_at=now(),
    )
    db.session.add(made)
    return made


def again(row):
    """row as loaded in the session now (counted requests start from an empty session)."""
    return db.session.get(type(row), sa.inspect(row).identity[0])


def grow_applications(base, count, **changes):
    """count applications like base (changes apply), each of its own new organization,
    numbered QC…."""
    made = []
    base = again(base)
    for _ in range(count):
        n = next(_n)
        application = clone(
            base,
            organization=new_org(),
            number=f"QC{n:06d}",
            title=f"QC{n:06d} 社区服务项目",
            **changes,
        )
        application.communities = list(base.communities)
        made.append(application)
    return made


def submitted_call(make):
    """A closed call without applications, and a submitted application of another call whose
    clones (call_id=call.id) fill it."""
    call = make.call("closed")
    base = make.application(make.call("closed"), state="submitted")
    return call, base


def reviewed_call(make, staff):
    """A call in review: 3 experts, each scoring every application (grown in bulk)."""
    call = review.call(staff=staff)
    criteria = review.rubric(call, staff=staff)
    experts = [review.expert(name=f"专家{i}") for i in range(3)]
    panel = review.panel(call, experts, staff=staff)
    base = review.application(review.call(staff=staff))

    def grow(count):
        made = grow_applications(base, count, call_id=call.id)
        panel_, experts_ = again(panel), [again(e) for e in experts]
        for position, application in enumerate(made):
            for e, expert in enumerate(experts_):
                assignment = ReviewAssignment(
                    panel=panel_,
                    application=application,
                    reviewer=expert,
                    state=AssignmentState.ACTIVE,
                    no_conflict_at=now(),
                    created_by_id=staff.id,
                )
                scores = [20 + (position + e) % 10, 20, 15 + e]
                db.session.add(
                    ReviewSheet(
                        assignment=assignment,
                        state=SheetState.SUBMITTED,
                        total=Decimal(sum(scores)),
                        submitted_at=now(),
                        first_submitted_at=now(),
                        scores=[
                            ReviewScore(criterion_id=c.id, raw=str(s), score=Decimal(s))
                            for c, s in zip(criteria, scores, strict=True)
                        ],
                    )
                )

    return call, experts, grow


def contracts_grower(make, staff, finance, state="signed"):
    """grow(count): contracts like a signed factory contract, each with its own organization,
    award and installments, the first installment paid."""
    from venture.payments import operations as payments

    seed = make.contract("90000.00", state=state, staff=staff)
    seed.number, seed.title = "QC000000", "QC000000 种子合同"
    first = seed.installments[0]
    payments.approve_release(first, actor=staff)
    payments.record_payment(
        first,
        amount=first.amount,
        paid_on=date.today(),
        voucher_no="记-seed",
        bank_reference="BRSEED",
        actor=finance,
    )
    db.session.commit()
    call = seed.call

    def grow(count):
        contract_ = again(seed)
        for _ in range(count):
            n = next(_n)
            org = new_org()
            award = clone(contract_.award, organization=org, application_id=None)
            contract = clone(
                contract_,
                organization=org,
                award=award,
                number=f"QC{n:06d}",
                sequence=1000 + n,
                title=f"QC{n:06d} 社区服务项目",
                document_id=None,
            )
            for installment in contract_.installments:
                copy = clone(installment, contract=contract)
                for payment in installment.payments:
                    clone(payment, installment=copy, voucher_no=f"记-{n}", bank_reference=f"BR{n}")

    return call, seed, grow


def deep(url):
    """A deep page of a list (page 20 of 25 with MANY rows; page 1 with FEW): found through
    the index by its keys (core/pagination.py), in as many statements as page 1 (the tests
    compare the counts bounded returns)."""
    return [(f"{url}, page 20", f"{url}{'&' if '?' in url else '?'}page=20")]


# ── the heavy pages of the issue ────────────────────────────────────────────────────────────


def test_screening_list_of_a_call_is_bounded_and_paginated(client, login, make, page_size):
    call, base = submitted_call(make)
    login(make.user(Role.STAFF))

    def grow(count):
        grow_applications(base, count, call_id=call.id)

    url = f"/staff/calls/{call.id}/applications"
    counts = bounded(client, "screening list", url, grow, listed=page_size, also=deep(url))
    assert len(set(counts.values())) == 1, counts


def test_screening_list_filtered_or_searched_is_bounded(client, login, make, page_size):
    """One state: its total is that state's count (no count of its own); a search counts the
    rows it matches, one statement more."""
    call, base = submitted_call(make)
    login(make.user(Role.STAFF))

    def grow(count):
        grow_applications(base, count, call_id=call.id)

    url = f"/staff/calls/{call.id}/applications"
    one_state, searched = "screening list, one state", "screening list, searched"
    counts = bounded(
        client,
        one_state,
        f"{url}?state=submitted",
        grow,
        listed=page_size,
        also=[(searched, f"{url}?q=QC")],
    )
    assert counts[searched] == counts[one_state] + 1, counts


def test_review_matrix_of_a_call_is_bounded_and_paginated(client, login, make, page_size):
    staff = make.user(Role.STAFF)
    call, _experts, grow = reviewed_call(make, staff)
    login(staff)
    bounded(client, "review matrix", f"/staff/review/calls/{call.id}", grow, listed=page_size)


def test_ranking_of_a_call_is_bounded_and_paginated(client, login, make, page_size):
    staff = make.user(Role.STAFF)
    call, _experts, grow = reviewed_call(make, staff)
    login(staff)
    bounded(client, "ranking", f"/staff/review/calls/{call.id}/ranking", grow, listed=page_size)


def test_reviewer_queue_is_bounded_and_paginated(client, login, make, page_size):
    staff = make.user(Role.STAFF)
    _call, experts, grow = reviewed_call(make, staff)
    login(experts[0].user)
    counts = bounded(
        client, "reviewer queue", "/review", grow, listed=page_size, also=deep("/review")
    )
    assert len(set(counts.values())) == 1, counts


def test_ledger_with_filters_is_bounded_and_paginated(client, login, make, page_size, monkeypatch):
    from venture.payments import ledger_query

    # page 20 of the 500 paid installments starts from a kept mark (every 50th row here)
    monkeypatch.setattr(ledger_query, "LEDGER_MARK_EVERY", 50)
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    call, _seed, grow = contracts_grower(make, staff, finance)
    login(finance)
    url = f"/finance/ledger?call={call.id}&route=venture_grant&state=paid&from=2000-01-01"
    counts = bounded(
        client, "ledger (filtered)", url, grow, listed=page_size, start=1, also=deep(url), warm=True
    )
    assert len(set(counts.values())) == 1, counts


def test_ledger_totals_after_a_write_cost_the_same_few_statements(client, login, make):
    """The first ledger page after a write computes its count and totals (one statement) and
    stores them (its own short transaction: delete, savepoint, insert, release): 5 statements
    more than the next, with few rows or many."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    _call, _seed, grow = contracts_grower(make, staff, finance)
    login(finance)
    url = "/finance/ledger?route=venture_grant&state=paid&from=2000-01-01"
    extra = []
    for count in (FEW - 1, MANY - FEW):
        grow(count)
        db.session.commit()
        first, _response = counted_get(client, url)
        then, _response = counted_get(client, url)
        extra.append(len(first) - len(then))
    assert extra == [5, 5]


def test_ledger_xlsx_export_is_bounded(app, client, login, make, monkeypatch):
    """A ledger small enough to be sent at once: one streamed SELECT whatever its size."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    call, _seed, grow = contracts_grower(make, staff, finance)
    login(finance)
    monkeypatch.setitem(app.config, "LEDGER_EXPORT_IMMEDIATE_ROWS", 10 * MANY)
    bounded(client, "ledger XLSX (at once)", f"/finance/ledger.xlsx?call={call.id}", grow)


def test_ledger_xlsx_export_job_is_bounded(app, client, login, make, monkeypatch):
    """The background job of a ledger export runs as many statements for 500 contracts (1,500
    rows) as for 10: the rows come from one streamed SELECT."""
    from venture.payments import jobs
    from venture.payments.models import ExportJob

    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    call, _seed, grow = contracts_grower(make, staff, finance)
    url = f"/finance/ledger.xlsx?call={call.id}"
    login(finance)
    monkeypatch.setitem(app.config, "JOB_RUNNER", "worker")
    # progress is written by the clock (every HEARTBEAT_EVERY seconds), not per row
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 3600)

    def job_statements():
        response = client.post(url)
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        db.session.remove()
        with count_statements() as statements:
            assert jobs.run_now(app, job_id)
        job = db.session.get(ExportJob, job_id)
        assert (job.state.value, job.done) == ("done", job.total)
        return statements, job.total

    grow(FEW - 1)
    db.session.commit()
    few, rows = job_statements()
    assert rows == 3 * FEW
    grow(MANY - FEW)
    db.session.commit()
    many, rows = job_statements()
    assert rows == 3 * MANY
    print(f"\nledger XLSX job: {len(few)} statements with {FEW} contracts, {len(many)} with {MANY}")
    assert len(few) == len(many), _diff(few, many)


def test_dashboard_is_bounded(client, login, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    call, base = submitted_call(make)
    _call, _seed, grow_contracts = contracts_grower(make, staff, finance)
    login(staff)

    def grow(count):
        grow_applications(base, count)
        grow_contracts(count)

    bounded(client, "dashboard", "/staff/reports", grow)


def test_staff_home_is_bounded(client, login, make):
    """The staff home page (the benchmark's dashboard): its next steps count applications,
    panels with sheets outstanding or all in, and contracts in a fixed number of statements."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    _call, _experts, grow_reviews = reviewed_call(make, staff)
    _call, base = submitted_call(make)
    _call, _seed, grow_contracts = contracts_grower(make, staff, finance)
    login(staff)

    def grow(count):
        grow_reviews(count)
        grow_applications(base, count)
        grow_contracts(count)

    client.get("/")  # the overdue reports' count is a cached figure: stored once, then read
    bounded(client, "staff home", "/", grow)


def test_application_detail_with_many_lines_is_bounded(client, login, make):
    from venture.applications.models import ApplicationAttachment

    staff = make.user(Role.STAFF)
    call = make.call("closed")
    application = make.application(call, state="submitted")
    line, milestone = application.budget_lines[0], application.milestones[0]
    attachment = application.attachments[0]
    login(staff)

    def grow(count):
        for _ in range(count):
            n = next(_n)
            clone(line, position=1000 + n, item=f"QC{n:06d} 预算")
            clone(milestone, position=1000 + n, title=f"QC{n:06d} 节点")
            stored = clone(
                db.session.get(StoredFile, attachment.file_id), stored_name=f"qc{n:06d}.pdf"
            )
            db.session.add(
                ApplicationAttachment(application_id=application.id, label=f"附件{n}", file=stored)
            )

    url = f"/applications/{application.id}"
    bounded(client, "application detail", url, grow)


def test_ocds_package_of_a_call_is_bounded(client, make):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    call, _seed, grow = contracts_grower(make, staff, finance, state="in_force")
    bounded(client, "OCDS package of a call", f"/api/v1/ocds/calls/{call.id}.json", grow)


# ── the other lists ─────────────────────────────────────────────────────────────────────────


def test_calls_lists_are_bounded_and_paginated(client, login, make, page_size):
    seed = make.call("open", title="QC000000 公益创投")

    def grow(count):
        call = again(seed)
        for _ in range(count):
            made = clone(call, title=f"QC{next(_n):06d} 公益创投")
            made.categories, made.communities = list(call.categories), list(call.communities)

    login(make.user(Role.STAFF))
    also = [("calls (staff)", "/staff/calls")]
    bounded(client, "calls (public)", "/calls", grow, listed=page_size, start=1, also=also)


def test_applications_of_an_organization_are_bounded_and_paginated(client, login, make, page_size):
    _call, base = submitted_call(make)
    base.number, base.title = "QC000000", "QC000000 项目"
    login(make.member(base.organization))

    def grow(count):
        application = again(base)
        for _ in range(count):
            n = next(_n)
            clone(application, number=f"QC{n:06d}", title=f"QC{n:06d} 项目")

    bounded(client, "applications (organization)", "/applications", grow, listed=page_size, start=1)


def test_contracts_list_is_bounded_and_paginated(client, login, make, page_size):
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    _call, seed, grow = contracts_grower(make, staff, finance)
    login(staff)
    bounded(client, "contracts list", "/staff/contracts", grow, listed=page_size, start=1)


def test_payments_list_is_bounded_and_paginated(client, make, page_size):
    from venture.api.operations import create_token

    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    _call, _seed, grow = contracts_grower(make, staff, finance)
    _token, text = create_token(finance, name="test", expires_in_days=90, actor=finance)
    db.session.commit()
    headers = {"Authorization": f"Bearer {text}"}
    counted_get(client, "/api/v1/payments", headers=headers)  # a token's first use is recorded
    bounded(client, "payments (API)", "/api/v1/payments", grow, headers=headers)
    _statements, response = counted_get(client, "/api/v1/payments", headers=headers)
    body = response.get_json()
    assert (len(body["items"]), body["per_page"], body["total"]) == (page_size, page_size, MANY + 1)


def test_audit_log_is_bounded_and_paginated(client, login, make, page_size):
    from venture.core import audit

    admin = make.user(Role.ADMIN)
    login(admin)

    def grow(count):
        for _ in range(count):
            n = next(_n)
            actor = factories.user(Role.STAFF, name=f"QC{n:06d}")
            audit.record("test.touch", actor, actor=actor, after={"n": n})

    url = "/admin/audit"
    counts = bounded(client, "audit log", url, grow, listed=page_size, also=deep(url))
    # the deep page runs no more statements than page 1 (one fewer: the record types read by
    # page 1 are found again while the log has not moved)
    first, deeper = counts.values()
    assert deeper == first - 1, counts


def test_project_progress_reports_are_bounded(client, login, make):
    from venture.delivery.enums import ReportKind, ReportState
    from venture.delivery.models import ProgressReport

    staff = make.user(Role.STAFF)
    project = make.project(staff=staff)
    login(staff)

    def grow(count):
        for _ in range(count):
            n = next(_n)
            db.session.add(
                ProgressReport(
                    project_id=project.id,
                    kind=ReportKind.AD_HOC,
                    state=ReportState.SUBMITTED,
                    title=f"QC{n:06d} 进度报告",
                    summary="本期完成入户探访。",
                    created_by_id=staff.id,
                    submitted_at=now(),
                    submitted_by_id=staff.id,
                )
            )

    bounded(client, "progress reports of a project", f"/projects/{project.id}", grow)


def test_projects_and_overdue_reports_lists_are_bounded_and_paginated(
    client, login, make, page_size
):
    staff = make.user(Role.STAFF)
    seed = make.project(staff=staff)
    contract_id = seed.contract_id
    seed.title, seed.start_date = "QC000000 种子项目", date.today() - timedelta(days=400)
    login(staff)

    def grow(count):
        project, contract = again(seed), db.session.get(type(seed.contract), contract_id)
        for _ in range(count):
            n = next(_n)
            org = new_org()
            award = clone(contract.award, organization=org, application_id=None)
            copy = clone(
                contract, organization=org, award=award, number=f"QC{n:06d}", sequence=1000 + n
            )
            # started a year ago: every project has overdue reports
            clone(
                project,
                contract=copy,
                organization=org,
                title=f"QC{n:06d} 社区服务项目",
                officer_id=staff.id,
            )

    also = [("overdue reports", "/staff/projects/overdue-reports")]
    bounded(client, "projects list", "/staff/projects", grow, listed=page_size, start=1, also=also)


def test_bids_list_is_bounded_and_paginated(client, login, make, page_size):
    from tests.procurement import helpers as procurement
    from venture.procurement.enums import BidState
    from venture.procurement.models import Bid

    member = login(make.member())
    tender = procurement.published_tender()

    def grow(count):
        for _ in range(count):
            n = next(_n)
            # closed: the page's list of tenders open for bids stays as it is
            call = clone(tender.call, title=f"QC{n:06d} 采购项目", closes_at=now())
            call.categories, call.communities = [], []
            made = clone(tender, call=call)
            db.session.add(
                Bid(
                    tender=made,
                    organization_id=member.organization_id,
                    state=BidState.SUBMITTED,
                    price=Decimal("90000.00"),
                    submitted_at=now(),
                    version=1,
                    created_by_id=member.id,
                )
            )

    bounded(client, "bids (organization)", "/bids", grow, listed=page_size)


def test_announcements_lists_are_bounded_and_paginated(client, login, make, page_size):
    seed = make.announcement(title="QC000000 公示")

    def grow(count):
        announcement = again(seed)
        for _ in range(count):
            clone(announcement, title=f"QC{next(_n):06d} 公示")

    login(make.user(Role.STAFF))
    also = [("announcements (staff)", "/staff/announcements")]
    url = "/announcements"
    bounded(client, "announcements (public)", url, grow, listed=page_size, start=1, also=also)


def test_reviewer_pool_is_bounded_and_paginated(client, login, make, page_size):
    staff = make.user(Role.STAFF)
    category = make.category()
    login(staff)

    def grow(count):
        for _ in range(count):
            review.expert(category, name=f"QC{next(_n):06d}", staff=staff)

    bounded(client, "reviewer pool", "/staff/experts", grow, listed=page_size)


def test_notifications_inbox_is_bounded_and_paginated(client, login, make, page_size):
    from venture.notifications.models import Notification

    member = login(make.member())

    def grow(count):
        for _ in range(count):
            db.session.add(
                Notification(user_id=member.id, subject=f"QC{next(_n):06d} 通知", body="正文")
            )

    bounded(client, "notifications inbox", "/inbox", grow, listed=page_size)


def _bonds_grower(make):
    """A finalised tender whose unsuccessful bidders' confirmed bonds are overdue for refund;
    grow(n) adds n more such bonds (each with its own organization and bid)."""
    from tests.procurement import helpers as tenders
    from tests.procurement.practice_helpers import bonded_tender, pay_bond
    from venture.orgs.models import Organization
    from venture.procurement.enums import AwardState
    from venture.procurement.models import Award

    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    tender = bonded_tender(staff=staff)
    seed = tenders.bid(tender, "95000.00")
    bond = pay_bond(seed, finance=finance)
    bond.reference = "QC0"
    winner = tenders.bid(tender, "90000.00")
    db.session.add(
        Award(
            call_id=tender.call_id,
            organization_id=winner.organization_id,
            bid_id=winner.id,
            route=tender.call.route,
            amount=winner.price,
            state=AwardState.FINAL,
            final_at=now() - timedelta(days=30),
            created_by_id=staff.id,
        )
    )
    db.session.commit()
    org = db.session.get(Organization, seed.organization_id)

    def grow(n):
        for _ in range(n):
            k = next(_n)
            other = clone(org, name=f"投标组织QC{k}", credit_code=f"QZ{k:016d}")
            bid = clone(seed, organization=other)
            clone(bond, bid=bid, reference=f"QC{k}")

    return finance, grow


def test_bid_bond_ledger_is_bounded_and_paginated(client, login, make, page_size):
    """The bond ledger (保证金台账): refund days in a fixed number of statements."""
    finance, grow = _bonds_grower(make)
    login(finance)
    bounded(client, "bond ledger", "/finance/bonds", grow, listed=page_size, start=1)


def test_finance_home_with_overdue_refunds_is_bounded(client, login, make):
    """Finance's home lists the first overdue refunds and counts the others."""
    finance, grow = _bonds_grower(make)
    login(finance)
    bounded(client, "finance home (overdue refunds)", "/", grow, start=1)
    page = client.get("/").get_data(as_text=True)
    assert marked(page, "投标组织QC") == 4  # and the first bidder's, made before growing
    assert "逾期未退还：500笔" in page
