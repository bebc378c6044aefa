"""Finding 1 and 9 (Referer): a redirect whose target comes from the request stays on this site."""

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.review import helpers as reviews
from venture.auth.enums import Role
from venture.core.redirects import is_same_origin_path
from venture.extensions import db
from venture.review.models import ReviewAssignment

HOSTILE = [
    "/\t/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "/ /evil.example",
    "/\r\nSet-Cookie: x=1",
    "/%0d%0a",
    "javascript:alert(1)",
    "",
    None,
]


@pytest.mark.parametrize("target", HOSTILE)
def test_only_same_origin_paths_pass(target):
    assert is_same_origin_path(target) is ("%0d" in (target or ""))


def test_ordinary_paths_pass():
    assert is_same_origin_path("/calls/3?tab=files&x=%2F") is True


@pytest.mark.parametrize("target", [t for t in HOSTILE if t and "%0d" not in t])
def test_sign_in_with_a_hostile_next_lands_on_the_home_page(client, make, target):
    user = make.user(Role.STAFF)
    response = client.post(
        "/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_sign_in_with_a_tab_in_next_encoded_in_the_address(client, make):
    user = make.user(Role.STAFF)
    response = client.post(
        "/login?next=/%09/evil.example", data={"email": user.email, "password": PASSWORD}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_sign_in_keeps_a_same_site_next(client, make):
    user = make.user(Role.STAFF)
    response = client.post(
        "/login?next=/staff/orgs", data={"email": user.email, "password": PASSWORD}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/staff/orgs")


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/x\r\ny"])
def test_language_switch_with_a_hostile_next_goes_home(client, target):
    response = client.post("/language", data={"locale": "en", "next": target})
    assert (response.status_code, response.headers["Location"]) == (302, "/")


@pytest.mark.parametrize(
    ("referer", "location"),
    [
        ("http://evil.example/phish", "/review"),
        ("http://localhost/\t/evil.example", "/review"),
        ("http://localhost/review?tab=open", "/review?tab=open"),
    ],
)
def test_refused_conflict_declaration_goes_back_only_to_this_site(
    client, make, login, referer, location
):
    call = reviews.call()
    reviews.application(call)
    members = [reviews.expert() for _ in range(3)]
    reviews.assign(reviews.panel(call, members, k=3))
    assignment = db.session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.reviewer_id == members[0].id)
    ).one()
    login(members[0].user)
    response = client.post(
        f"/review/assignments/{assignment.id}/conflict",
        data={"reason": ""},
        headers={"Referer": referer},
    )
    assert (response.status_code, response.headers["Location"]) == (302, location)
