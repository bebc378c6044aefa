"""The SQL scopes of the API's lists agree with the modules' predicates, record by record."""

import sqlalchemy as sa

from venture.api.permissions import (
    SCOPED_VIEW_RULES,
    application_scope,
    can_read_contract,
    can_read_organization,
    contract_scope,
    organization_scope,
)
from venture.applications.models import Application
from venture.applications.permissions import VIEW_RULES, can_view_application
from venture.auth.enums import Role
from venture.contracts.models import Contract
from venture.extensions import db
from venture.orgs.models import Organization


def test_every_application_view_rule_has_its_sql_scope():
    assert sorted(rule.__name__ for rule in VIEW_RULES) == sorted(SCOPED_VIEW_RULES)


def readers(make, org):
    return [
        make.member(org),
        make.member(),
        make.user(Role.STAFF),
        make.user(Role.FINANCE),
        make.user(Role.ADMIN),
        make.user(Role.REVIEWER),
        make.user(Role.EVALUATOR),
        make.user(Role.COMMUNITY),
        make.user(Role.STAFF, Role.APPLICANT, organization=org),
    ]


def agree(model, scope, predicate, users):
    rows = db.session.scalars(sa.select(model)).all()
    for user in users:
        listed = set(db.session.scalars(sa.select(model.id).where(scope(user))))
        allowed = {row.id for row in rows if predicate(user, row)}
        assert listed == allowed, user.roles


def test_application_scope_matches_can_view_application(make):
    call = make.call()
    org = make.org()
    make.application(call, organization=org)
    make.application(call, organization=org, state="submitted")
    make.application(call, state="submitted")
    make.application(call)
    agree(Application, application_scope, can_view_application, readers(make, org))


def test_organization_and_contract_scopes_match_their_predicates(make):
    issued = make.contract(state="issued")
    make.contract()
    users = readers(make, issued.organization)
    agree(Organization, organization_scope, can_read_organization, users)
    agree(Contract, contract_scope, can_read_contract, users)
