from enum import StrEnum

import pytest

from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.core.lifecycle import Transition, TransitionRefused, Workflow, transition
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.orgs.lifecycle import ORG_WORKFLOW


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


def test_refusal_names_the_state(make):
    staff = make.user(Role.STAFF)
    org = make.org(status=OrgStatus.VERIFIED)
    with pytest.raises(TransitionRefused) as refused:
        transition(ORG_WORKFLOW, org, "resubmit", actor=staff)
    assert refused.value.message == "当前状态为“已认证”，不能进行此操作。"


def test_unknown_action_is_refused(make):
    org = make.org()
    assert str(ORG_WORKFLOW.refusal(org, "fly", make.user(Role.STAFF))) == "没有这项操作。"


def test_guard_message_is_returned(make):
    org = make.org(status=OrgStatus.PENDING)
    message = ORG_WORKFLOW.refusal(org, "verify", make.user(Role.STAFF))
    assert str(message) == "该组织尚未上传登记证书。"


def test_transition_writes_state_and_audit(make):
    staff = make.user(Role.STAFF)
    org = make.org(status=OrgStatus.PENDING)
    transition(ORG_WORKFLOW, org, "reject", actor=staff, reason="证书模糊")
    db.session.commit()
    entry = db.session.query(AuditEntry).filter_by(action="organization.reject").one()
    assert org.status == OrgStatus.REJECTED
    assert (entry.actor_id, entry.object_id, entry.reason) == (staff.id, org.id, "证书模糊")
    assert entry.before_data == {"state": "pending"}
    assert entry.after_data == {"state": "rejected"}


def test_reason_required_when_declared(make):
    org = make.org(status=OrgStatus.PENDING)
    message = ORG_WORKFLOW.refusal(org, "reject", make.user(Role.STAFF), reason="  ")
    assert str(message) == "请填写理由。"


def test_generic_workflow_runs_after_hooks():
    calls = []

    class Thing:
        id = 1
        state = Light.RED

    flow = Workflow(
        "light",
        (Transition("go", (Light.RED,), Light.GREEN, allowed=lambda u, o: True),),
        after_hooks=[lambda obj, t, actor, reason: calls.append(t.action)],
    )
    thing = Thing()
    assert flow.refusal(thing, "go", actor=object()) is None
    assert [t.action for t in flow.available(thing, object())] == ["go"]
    assert calls == []
