"""Fuzzing the API against its own OpenAPI document (schemathesis, through the WSGI app, no
network): a few dozen generated requests per operation, deterministic, and never a 5xx.

The token belongs to an account holding every role and a member of an organization, with an
open call, a draft and a submitted application in the database, so generated requests reach
the code behind the access checks too. Responses must also match their documented schemas.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from venture.api.views import api as registry
from venture.auth.enums import Role

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def fuzz_token(make, token_for):
    org = make.org()
    user = make.user(*Role, organization=org)
    call = make.call(max_applications_per_org=2)
    make.application(call, organization=org)
    make.application(call, organization=org, state="submitted")
    make.contract(state="signed")
    make.announcement()
    return token_for(user)


@pytest.mark.slow
@pytest.mark.parametrize("operation_id", [op.endpoint for op in registry.operations])
def test_api_never_answers_5xx(app, fuzz_token, operation_id):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)
    headers = {"Authorization": f"Bearer {fuzz_token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))

    run()
