"""Every page a demo user reaches by following links answers: no server error, and no link
to a page the user may not open or that does not exist."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from sqlalchemy import select

from venture.auth.models import User
from venture.demo import DEMO_PASSWORD, load_demo
from venture.extensions import db

# the demo is built for, and checked on, one fixed day (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("on_demo_day")

LINK = re.compile(r'href="([^"#]+)"')
MAX_PAGES = 150


def crawl(client, start="/"):
    """Follow same-site links breadth first; return {url: status}."""
    seen, queue, statuses = {start}, deque([start]), {}
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        if response.mimetype != "text/html":
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith("/static/") or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return statuses


@pytest.fixture
def demo():
    logins = load_demo()
    db.session.commit()
    return logins


def test_public_pages_answer_without_errors(client, demo):
    statuses = crawl(client)
    assert len(statuses) > 5
    assert {url: s for url, s in statuses.items() if s >= 400} == {}


def test_each_demo_role_follows_every_link_without_errors(app, demo):
    for role, email in demo:
        if role == "reviewer" and not email.startswith("reviewer1@"):
            continue
        client = app.test_client()
        user = db.session.scalars(select(User).where(User.email == email)).one()
        response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        statuses = crawl(client)
        assert len(statuses) > 3, email
        assert {url: s for url, s in statuses.items() if s >= 400} == {}, email
