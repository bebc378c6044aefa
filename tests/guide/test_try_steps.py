"""/try/<step> opens the page of the first record waiting at the step, or says none waits."""

from tests import factories
from venture.auth.enums import Role
from venture.contracts.enums import ContractState


def test_step_with_a_record_waiting_opens_its_page(client, login):
    contract = factories.contract(state="issued")
    login(factories.user(Role.STAFF))
    response = client.get("/try/sign_contract")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        f"/contracts/{contract.id}",
    )
    assert contract.state == ContractState.ISSUED


def test_step_with_nothing_waiting_says_so(client, login):
    login(factories.user(Role.STAFF))
    response = client.get("/try/close_project", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert (response.status_code, response.request.path) == (200, "/guide")
    assert "目前没有等待这一步操作的记录。" in page


def test_signed_out_visitor_is_asked_to_sign_in(client):
    response = client.get("/try/open_bids")
    assert (response.status_code, response.headers["Location"].split("?")[0]) == (302, "/login")
