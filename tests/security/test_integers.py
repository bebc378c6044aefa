"""Finding 8: Unicode digits, "--1" and numbers beyond a column's range in integer parameters
answer 400 or 404 with a message (or are ignored by a filter), never a 500."""

import pytest

from venture.auth.enums import Role
from venture.core.integers import ID_MAX, InvalidInteger, parse_int

BAD = ["²", "٣", "--1", "+1", "1_0", "1.0", " ", "", str(2**63), str(10**30), "1\r\n2"]


@pytest.mark.parametrize("text", BAD)
def test_parse_int_refuses_anything_but_ascii_digits_in_range(text):
    with pytest.raises(InvalidInteger) as refused:
        parse_int(text)
    assert str(refused.value) == f"请填写 1 至 {ID_MAX} 之间的整数。"


def test_parse_int_reads_ascii_digits_within_the_bounds():
    assert (parse_int(" 42 "), parse_int("-3", low=-5), parse_int(str(ID_MAX))) == (
        42,
        -3,
        ID_MAX,
    )


@pytest.mark.parametrize(
    "path", ["/calls/99999999999999999999", "/calls/%D9%A3", "/calls/2147483648"]
)
def test_integer_path_arguments_beyond_ascii_or_range_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", ["²", "--1", str(2**63)])
def test_api_page_parameter_is_refused_with_a_message(client, value):
    response = client.get("/api/v1/calls", query_string={"page": value})
    assert response.status_code == 400
    message = response.get_json()["error"]["message"]
    assert message == "参数“page”无效。请填写 1 至 100000 之间的整数。"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.ADMIN, "/admin/audit?id={}"),
        (Role.FINANCE, "/finance/ledger?call={}"),
        (Role.STAFF, "/staff/needs?street={}"),
        (Role.STAFF, "/staff/calls?page={}"),
    ],
)
@pytest.mark.parametrize("value", ["²", "٣", "--1", str(2**63)])
def test_web_filters_ignore_hostile_integers(client, make, login, role, path, value):
    login(make.user(role))
    assert client.get(path.format(value)).status_code == 200
