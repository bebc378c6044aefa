"""The demo district loaded once per test module, for browser tests that walk many pages
(phones, accessibility, guide screenshots): every role has something on every page.

A module imports `demo_site` and `_app_context` from here; the second replaces the suite's
per-test cleanup so the demo stays loaded until the module ends."""

import io
import os
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from tests import factories
from tests.conftest import _empty_tables
from tests.review import helpers as review
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import User
from venture.contracts.models import Contract
from venture.core.timeutil import now
from venture.demo import DEMO_PASSWORD, load_demo
from venture.evaluation.models import Evaluation
from venture.extensions import db
from venture.review.models import ReviewAssignment

GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# a name as long as the longest real ones, to prove tables and headings wrap
LONG_ORG_NAME = "哈尔滨市香坊区夕阳红居家养老与社区互助综合服务中心（民办非企业单位）"


@dataclass
class Site:
    """Who signs in as what, and the ids of the records the pages show."""

    emails: dict
    passwords: dict
    ids: dict = field(default_factory=dict)


def _demo_user(email):
    return db.session.scalars(select(User).where(User.email == email)).one()


def _open_review(staff):
    """A call in review with an open score sheet, which the demo (all sheets submitted) lacks."""
    call = review.call(staff=staff, title="2026年香坊区公益创投项目（第二批）专家评审")
    criteria = review.rubric(call, (40, 30, 30), staff=staff)
    applicant = factories.org(name=LONG_ORG_NAME)
    for n, (organization, title) in enumerate(
        [
            (applicant, "银龄守护——社区独居老人关爱服务"),
            (factories.org(), "四点半课堂——儿童课后托管"),
        ]
    ):
        db.session.add(
            Application(
                call=call,
                organization=organization,
                state=ApplicationState.ELIGIBLE,
                number=f"2026-GYCT-9{n:03d}",  # past the demo's numbers
                title=title,
                target_group="辖区独居老人",
                needs_analysis="社区 60 岁以上独居老人 312 人，其中 85 人行动不便。",
                objectives="一年内建立 120 户结对关爱。",
                activity_plan="每周上门探访，每月一次健康讲座。",
                team="专职社工 3 人，志愿者 40 人。",
                requested_amount=Decimal("80000.00"),
                submitted_at=now() - timedelta(days=20, minutes=n),
                created_by_id=staff.id,
            )
        )
    db.session.commit()
    reviewer = review.expert(name="评审专家 欧阳明月", staff=staff)
    others = [review.expert(staff=staff), review.expert(staff=staff)]
    panel = review.panel(call, [reviewer, *others], staff=staff)
    made, _missing = review.assign(panel, staff)
    mine = [a for a in made if a.reviewer_id == reviewer.id]
    review.open_sheet(mine[0])
    for assignment in made:
        if assignment.reviewer_id != reviewer.id:
            review.submit(assignment, [30, 20, 20], criteria)
    return call, reviewer.user, mine[0]


def build_site():
    load_demo()
    db.session.commit()
    staff = _demo_user("staff@venture.example.com")
    call, reviewer, assignment = _open_review(staff)
    emails = {
        role: f"{role}@venture.example.com"
        for role in ("applicant", "staff", "finance", "evaluator", "community", "admin")
    }
    emails["reviewer"] = reviewer.email
    passwords = dict.fromkeys(emails, DEMO_PASSWORD)
    passwords["reviewer"] = factories.PASSWORD
    applicant = _demo_user(emails["applicant"])
    org_id = applicant.organization_id
    mine = db.session.scalars(
        select(Application).where(Application.organization_id == org_id).order_by(Application.id)
    ).all()
    editable = next(a for a in mine if a.is_editable)
    submitted = next(a for a in mine if not a.is_editable)
    contract = db.session.scalars(select(Contract).order_by(Contract.id)).first()
    evaluator = _demo_user(emails["evaluator"])
    evaluation = db.session.scalars(
        select(Evaluation).where(Evaluation.evaluator_id == evaluator.id).order_by(Evaluation.id)
    ).first()
    demo_review = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.panel_id != assignment.panel_id)
    ).first()
    ids = {
        "org": org_id,
        "editable_application": editable.id,
        "submitted_application": submitted.id,
        "review_call": call.id,
        "assignment": assignment.id,
        "screening_call": editable.call_id,
        "matrix_call": demo_review.panel.call_id,
        "contract": contract.id,
        "evaluation": evaluation.id if evaluation else None,
        "public_call": editable.call_id,
    }
    return Site(emails=emails, passwords=passwords, ids=ids)


@pytest.fixture(scope="module")
def demo_site(app):
    with app.app_context(), app.test_request_context():
        site = build_site()
        db.session.remove()
    yield site
    with app.app_context():
        db.session.remove()
        _empty_tables()


@pytest.fixture(autouse=True)
def _app_context(app, demo_site):
    """The suite's per-test context, without emptying the tables between tests."""
    with app.app_context(), app.test_request_context():
        yield
        db.session.remove()


def sign_in(page, site, role):
    """Sign a page in as the site's user of a role (or leave it signed out for 'visitor')."""
    if role == "visitor":
        return
    page.goto("/login")
    page.fill("#email", site.emails[role])
    page.fill("#password", site.passwords[role])
    page.click("main form button[type=submit], main form button.btn-primary")
    page.wait_for_url("**/")


def choose_language(page, value):
    """Switch the interface language with the header's button and wait until the new page has
    loaded its stylesheets: a layout measured before that is not the page's layout."""
    with page.expect_navigation(wait_until="load"):
        page.click(f"button[name=locale][value={value}]")
    page.wait_for_selector(f"html[lang={value.replace('_', '-')}]")


def save_screenshot(page, name, *, guide=False):
    """A PNG of the visible window. Guide pictures go to docs/guides/img when
    VENTURE_GUIDE_SCREENSHOTS=1 (to refresh the guides), reduced to 256 colours so they stay
    small to commit; everything else goes to a temp folder."""
    if guide and os.environ.get("VENTURE_GUIDE_SCREENSHOTS") == "1":
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        path = GUIDE_IMAGES / f"{name}.png"
        png = page.screenshot(full_page=False)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        if image.width > 960:  # desktop pictures at three quarters: still readable, smaller
            image = image.resize((960, round(image.height * 960 / image.width)), Image.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        return path
    folder = Path(tempfile.gettempdir()) / "venture-screenshots"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=False)
    except PlaywrightError:
        # headless Chromium once refused a capture under load ("Protocol error
        # (Page.captureScreenshot): Unable to capture screenshot"): once more after a pause
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=False)
    return path
