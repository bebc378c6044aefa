"""The main flows by keyboard alone (Tab, Shift+Tab, Enter, Space, arrows and typing; no
clicks, no element.focus()): every control reached shows where the focus is."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from tests.review import helpers as review
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.enums import Role
from venture.extensions import db
from venture.review.enums import SheetState
from venture.review.models import ReviewSheet

pytestmark = pytest.mark.browser

# the focused element and whether a focus ring shows: an outline or a box shadow
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow !== 'none';
  return {id: e.id, tag: e.tagName, text: (e.innerText || e.value || '').trim().slice(0, 30),
          visible: outline || shadow};
}"""


class Keyboard:
    """Moves through a page with Tab / Shift+Tab and remembers any stop with no focus ring."""

    def __init__(self, page):
        self.page = page
        self.unringed = []

    def to(self, selector, *, back=False, limit=150):
        """Press Tab (or Shift+Tab) until the element matching selector has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            focused = self.page.evaluate(FOCUS)
            if focused and not focused["visible"]:
                self.unringed.append(focused)
            if self.page.evaluate(
                "s => document.activeElement && document.activeElement.matches(s)", selector
            ):
                return focused
        raise AssertionError(f"{selector} is not reachable by keyboard")

    def type_into(self, selector, text, *, back=False):
        self.to(selector, back=back)
        self.page.keyboard.type(text)

    def press_on(self, selector, key="Enter", *, back=False):
        self.to(selector, back=back)
        self.page.keyboard.press(key)


def _choose_file_by_keyboard(page, keys, selector):
    """Space on the focused file field opens its chooser. Headless Chromium now and then opens
    none for a first Space (2 suite runs of about 10 failed here, at random); a person presses
    again, and so does this, twice at most, with the focus still on the field."""
    keys.to(selector)
    for _attempt in range(3):
        try:
            with page.expect_file_chooser(timeout=5000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeout:
            assert page.evaluate("s => document.activeElement.matches(s)", selector), selector
    raise AssertionError(f"Space on {selector} opened no file chooser (3 tries)")


def _sign_in(page, keys, user):
    page.goto("/login")
    keys.type_into("#email", user.email)
    keys.type_into("#password", "Secret12345")
    keys.page.keyboard.press("Enter")
    page.wait_for_url("**/")


def _type_date(keys, selector, day, *, back=False):
    """A date input takes its parts in the order of the browser's own (operating system)
    locale, not the page's: month, day, year for Debian's Chromium here; each full part moves
    on to the next."""
    keys.to(selector, back=back)
    keys.page.keyboard.type(f"{day.month:02d}{day.day:02d}{day.year:04d}")
    assert keys.page.input_value(selector) == day.isoformat()


def test_applicant_saves_and_submits_an_application_by_keyboard(page, make, tmp_path):
    call = make.call(title="2026年香坊区公益创投项目", required_attachments="登记证书副本")
    applicant = make.member(make.org(name="香坊区童心成长服务社"), name="赵磊")
    community = call.communities[0]
    start, end = call.project_start, call.project_end
    certificate = tmp_path / "登记证书.pdf"
    certificate.write_bytes(MINIMAL_PDF)
    keys = Keyboard(page)

    _sign_in(page, keys, applicant)
    page.goto(f"/calls/{call.id}")
    keys.press_on("main form button.btn-primary")  # 申报
    page.wait_for_url("**/edit")
    keys.type_into("#title", "四点半课堂——双职工家庭儿童课后托管")
    keys.type_into("#beneficiaries", "60")
    keys.to("#category_id", back=True)  # one step back, past the number
    page.keyboard.press("ArrowDown")  # the call's only category, after the empty choice
    keys.press_on(f"#community-{community.id}", "Space")
    _type_date(keys, "#project_start", start)
    _type_date(keys, "#project_end", end)
    keys.type_into("#target_group", "辖区6至12岁双职工家庭儿童")
    keys.type_into("#needs_analysis", "双职工家庭放学后无人照看。")
    keys.type_into("#objectives", "提供安全的课后托管和作业辅导。")
    keys.type_into("#activity_plan", "每周一至周五开展托管活动。")
    keys.type_into("#team", "社工2名，志愿者10名。")
    keys.to("#budget_lines-0-category")
    page.keyboard.press("ArrowDown")  # 人员费
    keys.type_into("#budget_lines-0-item", "社工补贴")
    keys.type_into("#budget_lines-0-unit_price", "3000")
    keys.type_into("#budget_lines-0-quantity", "12")
    keys.type_into("#budget_lines-0-requested", "30000")
    keys.type_into("#budget_lines-0-own_funds", "6000")
    keys.type_into("#milestones-0-title", "招募儿童并建档")
    _type_date(keys, "#milestones-0-due_date", start)
    keys.press_on("button[name=action][value=save]")
    page.wait_for_selector(".alert-success")

    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    assert (application.state, application.title, application.category_id) == (
        ApplicationState.DRAFT,
        "四点半课堂——双职工家庭儿童课后托管",
        call.categories[0].id,
    )
    assert [c.id for c in application.communities] == [community.id]
    assert (application.beneficiaries, application.project_start, application.project_end) == (
        60,
        start,
        end,
    )
    assert (application.target_group, application.team) == (
        "辖区6至12岁双职工家庭儿童",
        "社工2名，志愿者10名。",
    )
    assert [
        (line.category.value, line.item, line.unit_price, line.quantity, line.amount)
        for line in application.budget_lines
    ] == [("personnel", "社工补贴", 3000, 12, 36000)]
    assert [(m.title, m.due_date) for m in application.milestones] == [("招募儿童并建档", start)]

    # the saved page: attach the file (the chooser opens from the keyboard), declare, submit
    _choose_file_by_keyboard(page, keys, "#file-0").set_files(str(certificate))
    keys.press_on("#declaration", "Space")
    keys.press_on("button[name=action][value=submit]")
    # the confirmation opens on Cancel: Tab to Confirm
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#application-number")
    db.session.expire_all()
    application = db.session.scalars(select(Application)).one()
    assert application.state == ApplicationState.SUBMITTED
    assert [a.label for a in application.attachments] == ["登记证书副本"]
    assert keys.unringed == [], keys.unringed


def test_reviewer_scores_a_sheet_by_keyboard(page, make):
    staff = make.user(Role.STAFF, name="赵主管")
    call = review.call(staff=staff, title="2026年香坊区公益创投")
    criteria = review.rubric(call, (40, 30, 30), staff=staff)
    review.application(call, organization=make.org(name="香坊区阳光助老服务中心"), title="银龄守护")
    reviewer = review.expert(name="张伟")
    panel = review.panel(call, [reviewer, review.expert(), review.expert()], staff=staff)
    review.assign(panel, staff)
    keys = Keyboard(page)

    _sign_in(page, keys, reviewer.user)
    keys.press_on("nav a[href='/review']")
    page.wait_for_url("**/review")
    keys.press_on("main a.btn-primary")  # 声明并打开
    page.wait_for_selector("text=声明无利益冲突并打开申报书")
    keys.press_on("main form button.btn-primary")
    page.wait_for_selector("#score-form")
    keys.type_into(f"#score-{criteria[0].id}", "36")
    keys.type_into(f"#comment-{criteria[0].id}", "需求调研扎实。")
    keys.type_into(f"#score-{criteria[1].id}", "25.5")
    keys.type_into(f"#score-{criteria[2].id}", "24")
    keys.type_into("#overall_comment", "预算略高。")
    assert page.locator("#live-total").inner_text() == "85.5"
    keys.press_on("#score-form button[value=submit]")
    page.keyboard.press("Tab")  # the confirmation opens on Cancel
    page.keyboard.press("Enter")
    page.wait_for_selector("text=评分表已提交，谢谢。")

    db.session.expire_all()
    sheet = db.session.scalars(select(ReviewSheet)).one()
    assert (sheet.state, sheet.total, sheet.overall_comment) == (
        SheetState.SUBMITTED,
        85.5,
        "预算略高。",
    )
    assert [(s.raw, s.comment) for s in sorted(sheet.scores, key=lambda s: s.criterion_id)] == [
        ("36", "需求调研扎实。"),
        ("25.5", ""),
        ("24", ""),
    ]
    assert keys.unringed == [], keys.unringed
