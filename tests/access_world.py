"""One small world for the access matrix: two organizations (A owns everything the matrix
asks about, B is the outsider), a call in review with a panel, a tender with bids, contracts,
a project with reports, evaluations, community needs, announcements and API tokens.

`build()` returns (people, ids): people {case: User or None}, ids {name: id or text}.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from tests import factories
from tests.delivery.helpers import delivering, write_report
from tests.evaluation.helpers import evaluate
from tests.pdf_bytes import MINIMAL_PDF
from tests.procurement import helpers as procurement
from tests.review import helpers as review
from venture.announcements.models import Objection
from venture.api import operations as api
from venture.applications.models import ApplicationAttachment
from venture.auth.enums import Role
from venture.auth.operations import password_reset_token
from venture.calls.enums import Route
from venture.community.models import NeedPhoto
from venture.core.files import store_bytes
from venture.core.timeutil import local_today, now
from venture.core.workdays import WorkdayOverride
from venture.delivery import operations as delivery
from venture.delivery.models import ProjectDocument
from venture.evaluation import operations as evaluation
from venture.extensions import db
from venture.notifications.models import Notification
from venture.orgs import operations as orgs
from venture.payments.models import ExportJob
from venture.procurement import operations as tenders
from venture.procurement.enums import AwardState, DesignationReason
from venture.procurement.models import Award
from venture.procurement.practice_enums import BondForm
from venture.procurement.practice_models import BidBond
from venture.review import operations as panels
from venture.review.enums import AffiliationKind

# who asks, in the order of the table's columns
WEB_CASES = ("an", "A", "B", "st", "fi", "rv", "rx", "rc", "ev", "ex", "cm", "cx", "ad")
# the API's callers: no token, then the token of A, of B, of staff, of finance
API_CASES = ("none", "tA", "tB", "tstaff", "tfin")


def pdf(name="file.pdf"):
    return FileStorage(stream=io.BytesIO(MINIMAL_PDF), filename=name)


def build():
    """Make the world; every record the table names belongs to A (or its assigned people)."""
    make = factories  # the same helpers as the `make` fixture
    staff = make.user(Role.STAFF, name="张主管")
    people = {
        "an": None,
        "st": staff,
        "fi": make.user(Role.FINANCE),
        "ad": make.user(Role.ADMIN),
    }
    ids = {}

    # A's project in delivery (its award, contract in force, installments), B's project too
    project, member_a, _staff = delivering(make)
    project_b, member_b, _staff_b = delivering(make)
    people["A"], people["B"] = member_a, member_b
    org_a, org_b = project.organization, project_b.organization
    contract = project.contract
    ids.update(
        org=org_a.id,
        project=project.id,
        contract=contract.id,
        award=contract.award_id,
        installment=contract.installments[0].id,
        project_call=project.call_id,
    )
    from venture.documents.operations import current_document

    ids["issued_code"] = current_document(contract).code  # its verification page
    report = write_report(project, member_a, submit=False)
    delivery.add_report_files(report, photos=[], documents=[pdf("台账.pdf")], actor=member_a)
    change = delivery.request_change(
        project,
        kind="staff",
        reason="社工离职。",
        details={"text": "更换项目社工。"},
        actor=member_a,
    )
    document = ProjectDocument(
        project_id=project.id,
        label="会议纪要",
        file=store_bytes(MINIMAL_PDF, name="纪要.pdf", content_type="application/pdf"),
        uploaded_by_id=staff.id,
    )
    db.session.add(document)
    db.session.commit()
    ids.update(
        report=report.id,
        report_file=report.attachments[0].id,
        change=change.id,
        document=document.id,
    )
    submitted = write_report(project, member_a, period=1)
    ids.update(activity=submitted.activities[0].id, submitted_report=submitted.id)
    project.archive = store_bytes(
        b"PK\x05\x06" + bytes(18), name="archive.zip", content_type="application/zip"
    )
    org_a.certificate = store_bytes(MINIMAL_PDF, name="证书.pdf", content_type="application/pdf")
    org_a.bank_account = ids["bank_account"] = "6222777788889999000"  # found nowhere else
    db.session.commit()
    # a new bank account of A waits for staff, with its proof
    orgs.request_bank_change(
        org_a,
        {
            "bank_name": "中国银行",
            "bank_account_name": org_a.name,
            "bank_account": "6222555566667777",
        },
        proof=pdf("开户许可证.pdf"),
        actor=member_a,
    )
    db.session.commit()

    # evaluations: ev evaluates A's project, ex evaluates B's
    people["ev"] = make.user(Role.EVALUATOR)
    people["ex"] = make.user(Role.EVALUATOR)
    assessment = evaluation.assign_evaluation(
        project, kind="midterm", evaluator=people["ev"], due=local_today(), actor=staff
    )
    evaluation.assign_evaluation(
        project_b, kind="midterm", evaluator=people["ex"], due=local_today(), actor=staff
    )
    db.session.commit()
    evaluation.save_self_assessment(
        assessment, text="按计划推进。", attachment=pdf("自评.pdf"), actor=member_a
    )
    db.session.commit()
    ids["evaluation"] = assessment.id
    # a second project of A, evaluated to the end (its report is published)
    second = make.project(staff=staff, organization=org_a)
    finished = evaluate(second, staff, people["ev"], member_a, "85")
    ids["finished_evaluation"] = finished.id

    # community: cm is the committee of the community A's project serves, cx of another
    place = project.application.communities[0]
    people["cm"] = make.user(Role.COMMUNITY, community=place)
    people["cx"] = make.user(Role.COMMUNITY, community=make.community())
    need = make.need(place)
    need.created_by_id = people["cm"].id
    photo = NeedPhoto(
        need=need, file=store_bytes(MINIMAL_PDF, name="p.png", content_type="image/png")
    )
    db.session.add(photo)
    db.session.commit()
    ids.update(need=need.id, photo=photo.id)

    # a call in review: A's and B's applications, a panel of rv, rc and one more; rc has
    # declared a conflict on A's application, rx is in the pool but not on the panel
    review_call = review.call(staff=staff)
    application = review.application(review_call, organization=org_a)
    review.application(review_call, organization=org_b)
    application.attachments = [
        ApplicationAttachment(
            label="登记证书副本",
            file=store_bytes(MINIMAL_PDF, name="cert.pdf", content_type="application/pdf"),
        )
    ]
    db.session.commit()
    criteria = review.rubric(review_call, staff=staff)
    experts = [review.expert(staff=staff) for _ in range(4)]
    rv, rc, third, rx = experts
    people.update(rv=rv.user, rc=rc.user, rx=rx.user)
    panel = review.panel(review_call, [rv, rc, third], staff=staff)
    assignments, _missing = review.assign(panel, staff=staff)
    on_a = {a.reviewer_id: a for a in assignments if a.application_id == application.id}
    mine, conflicted = on_a[rv.id], on_a[rc.id]
    sheet = review.submit(mine, [30, 20, 20], criteria)
    panels.declare_conflict(conflicted, reason="曾任该组织理事。", actor=rc.user)
    panels.add_affiliation(
        rv,
        organization=make.org(),
        kind=AffiliationKind.EMPLOYMENT,
        role="顾问",
        started_on=date(2020, 1, 1),
        ended_on=None,
        actor=staff,
    )
    db.session.commit()
    ids.update(
        review_call=review_call.id,
        application=application.id,
        app_file=application.attachments[0].id,
        assignment=mine.id,
        conflicted_assignment=conflicted.id,
        sheet=sheet.id,
        expert=rv.id,
        tie=rv.affiliations[0].id,
    )

    # a roadshow (路演) of the review panel presenting A's application, under way
    from venture.roadshow import display as roadshow_display
    from venture.roadshow import operations as roadshows

    show = roadshows.create_roadshow(
        review_call,
        scheduled_at=now() + timedelta(hours=1),
        place="三楼会议室",
        minutes=8,
        application_ids=[application.id],
        actor=staff,
    )
    db.session.commit()
    roadshows.start_roadshow(show, actor=staff)
    db.session.commit()
    ids.update(
        roadshow=show.id,
        item=show.items[0].id,
        display=roadshow_display.display_token(show),
    )

    # A's draft in an open call (what A edits), and an open call to apply to
    open_call = make.call(staff=staff)
    draft = make.application(open_call, organization=org_a, created_by=member_a)
    ids.update(open_call=open_call.id, draft=draft.id, draft_file=draft.attachments[0].id)

    # a tender: A's and B's bids, opened and checked, rv on its panel (rc conflicted)
    tender = procurement.published_tender(staff=staff)
    bid_a = procurement.bid(tender, "100000.00", organization=org_a)
    procurement.bid(tender, "105000.00", organization=org_b)
    # A's bid bond, recorded and waiting for finance (its proof: A and finance only)
    db.session.add(
        BidBond(
            bid=bid_a,
            form=BondForm.TRANSFER,
            amount=Decimal("2000.00"),
            reference="HX2026093000017",
            proof=store_bytes(MINIMAL_PDF, name="转账回单.pdf", content_type="application/pdf"),
            recorded_at=now(),
            recorded_by_id=bid_a.member.id,
        )
    )
    procurement.opened(tender, staff)
    tenders.check_compliance(tender, actor=staff)
    others = [review.expert(staff=staff) for _ in range(3)]
    tenders.form_tender_panel(
        tender, member_ids=[rv.id, rc.id, *(e.id for e in others)], reserve_ids=[], actor=staff
    )
    db.session.commit()
    tenders.declare_tender_conflict(tender, reason="曾任投标组织理事。", actor=rc.user)
    # as if A had won: the award and its notice (the result steps are tested in procurement)
    db.session.add(
        Award(
            call=tender.call,
            organization=org_a,
            route=Route.TENDER,
            amount=Decimal("100000.00"),
            state=AwardState.FINAL,
            final_at=now(),
            created_by_id=staff.id,
        )
    )
    tender.award_notice = store_bytes(
        MINIMAL_PDF, name="中标通知书.pdf", content_type="application/pdf"
    )
    db.session.commit()
    ids.update(
        tender=tender.id,
        tender_call=tender.call_id,
        bid=bid_a.id,
        bid_file=bid_a.attachments[0].id,
    )

    # a designation (定向委托) of A on a targeted call
    targeted = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    designation = tenders.create_designation(
        targeted,
        {
            "organization_id": org_a.id,
            "service": "红旗社区居家养老服务",
            "service_content": "为 80 名独居老人提供每周探访。",
            "amount": Decimal("150000.00"),
            "term_start": date(2027, 1, 1),
            "term_end": date(2027, 12, 31),
            "reason": DesignationReason.CONTINUITY,
            "justification": "该组织连续三年承接本社区居家养老服务，熟悉服务对象，保证服务连续性。",
        },
        actor=staff,
    )
    db.session.commit()
    ids.update(designation=designation.id, targeted_call=targeted.id)

    # an announcement with a file and A's objection; a workday correction
    notice = make.announcement(
        actor=staff,
        attachments=[store_bytes(MINIMAL_PDF, name="公示.pdf", content_type="application/pdf")],
    )
    objection = Objection(announcement_id=notice.id, user_id=member_a.id, text="评审不公。")
    override = WorkdayOverride(day=date(2031, 1, 2), is_working_day=False, created_by_id=staff.id)
    db.session.add_all([objection, override])
    db.session.commit()
    ids.update(
        announcement=notice.id,
        announcement_file=notice.attachments[0].id,
        objection=objection.id,
        workday=override.id,
    )

    # A's notification, an export job of staff, an invitation, a reset link, A's user record
    message = Notification(user_id=member_a.id, subject="通知", body="正文")
    job = ExportJob(
        kind="contracts_zip", call_id=project.call_id, total=1, requested_by_id=staff.id
    )
    db.session.add_all([message, job])
    _invitation, invitation_token = orgs.invite_member(
        org_a, "colleague@example.com", actor=member_a
    )
    db.session.commit()
    ids.update(
        notification=message.id,
        job=job.id,
        user=member_a.id,
        invitation=invitation_token,
        reset=password_reset_token(member_a),
        street=place.street_id,
    )

    # an import of one organization, uploaded by staff and awaiting confirmation
    from venture.imports import operations as imports

    registry = io.BytesIO(
        f"统一社会信用代码,组织名称\n{factories.credit_code()},导入的组织\n".encode("gbk")
    )
    batch, _preview = imports.start_import(
        "organizations", FileStorage(stream=registry, filename="名录.csv"), actor=staff
    )
    db.session.commit()
    ids["import_batch"] = batch.id

    # API tokens of A, B, staff and finance
    for case, person in (
        ("tA", member_a),
        ("tB", member_b),
        ("tstaff", staff),
        ("tfin", people["fi"]),
    ):
        token, text = api.create_token(person, name="matrix", expires_in_days=30, actor=person)
        ids[case] = text
    db.session.commit()
    ids["api_token"] = api.active_tokens(member_a)[0].id
    return people, ids
