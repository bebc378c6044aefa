"""The benchmark data generator at its tiny scale: exact counts, a valid audit chain, pages."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import travel_to
from venture import benchdata
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.models import Contract
from venture.core.audit import AuditEntry, verify_chain
from venture.delivery.models import ProgressReport, Project
from venture.extensions import db
from venture.payments.models import Installment, Payment
from venture.procurement.models import Award, Tender
from venture.review.models import ReviewSheet

# the date the data is built for: the counts below are that date's (the phases sit around it)
BENCH_DAY = date(2026, 11, 25)

# tiny: 12 organizations; 5 venture-grant calls (one per phase: started, closed, delivering,
# reviewing, open) with 12 + 7 × 4 applications; a targeted call with 3 designations; a tender
# with 5 bids
EXPECTED = {
    "organizations": 12,
    "users": 29,  # admin, 5 staff, finance, evaluator, 12 members, 9 reviewers
    "calls": 7,
    "applications": 43,
    "review sheets": 179,
    "review scores": 895,
    "bids": 5,
    "bid sheets": 25,
    "awards": 19,
    "contracts": 19,
    "installments": 57,
    "payments": 48,
    "projects": 19,
    "progress reports": 63,
    "evaluations": 12,
    "audit rows": 1110,  # with the surplus settlement of each closed project
}


@pytest.fixture(autouse=True)
def _on_bench_day():
    """Pages and checks run on the day the data was built for, whatever the machine's date."""
    with travel_to(BENCH_DAY):
        yield


@pytest.fixture
def generated(app):
    rows = benchdata.generate("tiny", seed=1, echo=lambda _line: None, today=BENCH_DAY)
    db.session.commit()
    return dict(rows)


def _call(route, phase_order=0):
    return db.session.scalars(
        sa.select(Call).where(Call.route == route).order_by(Call.id).offset(phase_order).limit(1)
    ).one()


def test_generate_tiny_has_exact_counts(generated):
    assert generated == EXPECTED


def test_generate_tiny_counts_add_up(generated):
    contracts = db.session.scalar(sa.select(sa.func.count()).select_from(Contract))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Installment)) == 3 * contracts
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == contracts
    # every sheet scores the whole rubric of five criteria
    assert generated["review scores"] == 5 * generated["review sheets"]
    # every route ends in awards and contracts
    routes = db.session.scalars(sa.select(Contract.route).distinct()).all()
    assert sorted(routes) == sorted(Route)


def test_generate_tiny_installments_add_up_to_contracts(generated):
    mismatched = db.session.scalars(
        sa.select(Contract.id)
        .join(Installment, Installment.contract_id == Contract.id)
        .group_by(Contract.id, Contract.amount)
        .having(sa.func.sum(Installment.amount) != Contract.amount)
    ).all()
    overpaid = db.session.scalars(
        sa.select(Installment.id)
        .join(Payment, Payment.installment_id == Installment.id)
        .group_by(Installment.id, Installment.amount)
        .having(sa.func.sum(Payment.amount) != Installment.amount)
    ).all()
    assert mismatched == []
    assert overpaid == []


def test_generate_tiny_fills_the_installments_kept_ledger_figures(generated):
    """The bulk rows get what the hooks keep on each change (payment dates, route, number)."""
    from venture.integrity.checks import run_checks

    rules = {"money.installment_ledger_figures", "money.installment_ledger_number"}
    assert [f for f in run_checks() if f.rule in rules] == []
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Installment.ledger_number.is_(None)))
        == 0
    )


def test_generate_tiny_awards_stay_within_budget(generated):
    over = db.session.execute(
        sa.select(Call.id)
        .join(Award, Award.call_id == Call.id)
        .group_by(Call.id, Call.total_budget)
        .having(sa.func.sum(Award.amount) > Call.total_budget)
    ).all()
    assert over == []


def test_generate_tiny_audit_chain_verifies(generated):
    checked, broken = verify_chain()
    assert (checked, broken) == (EXPECTED["audit rows"], None)


def test_generate_is_deterministic(app):
    benchdata.generate("tiny", seed=7, echo=lambda _line: None)
    first = db.session.scalars(sa.select(Application.title).order_by(Application.id)).all()
    db.session.rollback()
    benchdata.generate("tiny", seed=7, echo=lambda _line: None)
    again = db.session.scalars(sa.select(Application.title).order_by(Application.id)).all()
    assert first == again


def _sign_in(client, role):
    response = client.post(
        "/login", data={"email": benchdata.LOGINS[role], "password": benchdata.PASSWORD}
    )
    assert response.status_code == 302


def test_generated_pages_answer(generated, client):
    """The pages the benchmarks measure, and the records behind them, render."""
    large = _call(Route.VENTURE_GRANT)
    reviewing = _call(Route.VENTURE_GRANT, 3)
    tender_id = db.session.scalar(
        sa.select(Tender.id).where(Tender.call_id == _call(Route.TENDER).id)
    )
    application = db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == large.id, Application.state == ApplicationState.AWARDED)
        .order_by(Application.id)
        .limit(1)
    ).one()
    contract = db.session.scalars(sa.select(Contract).order_by(Contract.id).limit(1)).one()
    project = db.session.scalars(sa.select(Project).order_by(Project.id).limit(1)).one()
    report = db.session.scalars(sa.select(ProgressReport).order_by(ProgressReport.id)).first()
    sheet = db.session.scalars(sa.select(ReviewSheet).order_by(ReviewSheet.id)).first()
    pages = {
        "staff": [
            "/",
            f"/staff/calls/{large.id}/applications",
            f"/staff/calls/{large.id}/applications?state=awarded&sort=requested",
            f"/staff/review/calls/{large.id}",
            f"/staff/review/calls/{large.id}/ranking",
            f"/staff/review/calls/{reviewing.id}",
            f"/staff/review/calls/{reviewing.id}/ranking",
            f"/staff/review/sheets/{sheet.id}",
            f"/applications/{application.id}",
            f"/contracts/{contract.id}",
            f"/projects/{project.id}",
            f"/progress-reports/{report.id}",
            "/staff/contracts",
            "/staff/projects",
            "/staff/tenders",
            f"/tenders/{tender_id}",
            f"/staff/tenders/{tender_id}/evaluation",
            "/finance/ledger",
        ],
        "finance": [
            "/",
            "/finance/ledger",
            f"/finance/ledger?call={large.id}&state=paid&route=venture_grant",
            "/finance/ledger.xlsx",
        ],
        "reviewer": ["/", "/review"],
        "applicant": ["/", "/applications", "/contracts/mine", "/projects"],
        "evaluator": ["/", "/evaluation/tasks"],
    }
    answered = {}
    for role, urls in pages.items():
        client.post("/logout")
        _sign_in(client, role)
        for url in urls:
            answered[(role, url)] = client.get(url).status_code
    client.post("/logout")
    answered["public ocds"] = client.get(f"/api/v1/ocds/calls/{large.id}.json").status_code
    assert {key: code for key, code in answered.items() if code != 200} == {}


def test_health_answers_ok_without_signing_in(client):
    response = client.get("/health")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")


def test_generate_adds_to_existing_data_and_continues_its_chain(make):
    """With --yes the generator goes on from the audit chain, the reference data and the
    application and contract counters already in the database."""
    existing = make.contract(state="in_force")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    rows = dict(benchdata.generate("tiny", seed=1, echo=lambda _line: None))
    db.session.commit()
    checked, broken = verify_chain()
    numbers = db.session.scalars(sa.select(Contract.number).order_by(Contract.id)).all()
    # ids differ from an empty database's, and a few choices follow them: counts move a little
    assert before > 0
    assert (checked, broken) == (rows["audit rows"], None)
    assert numbers[0] == existing.number
    assert len(set(numbers)) == rows["contracts"]


def test_bench_data_command_refuses_a_database_with_other_data(app, make):
    make.user(Role.STAFF)
    result = app.test_cli_runner().invoke(args=["bench-data", "--scale", "tiny"])
    assert result.exit_code == 1
    assert "--yes" in result.output


def test_generate_builds_for_the_date_it_is_given(app):
    """The phases sit around the given date, not the machine's: twelve days later, fewer
    installments have come due and fewer reports have been written."""
    rows = dict(
        benchdata.generate("tiny", seed=1, echo=lambda _line: None, today=date(2026, 12, 7))
    )
    assert (rows["payments"], rows["progress reports"], rows["audit rows"]) == (45, 51, 1083)


def test_bench_data_command_prints_counts_and_logins(app):
    result = app.test_cli_runner().invoke(
        args=["bench-data", "--scale", "tiny", "--seed", "3", "--today", "2026-11-25"]
    )
    assert result.exit_code == 0, result.output
    assert "contracts                   19" in result.output
    assert "staff      staff@bench.example.com" in result.output
