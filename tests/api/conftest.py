"""API test helpers: personal tokens and requests that carry them."""

import pytest

from venture.api import operations
from venture.extensions import db


@pytest.fixture
def token_for():
    """token_for(user) → the text of a new 90-day token of user."""

    def make(user, days=90):
        _token, text = operations.create_token(user, name="test", expires_in_days=days, actor=user)
        db.session.commit()
        return text

    return make


@pytest.fixture
def api(client):
    """api.get(url, token), api.post(url, token, json=…), api.patch(…): token may be None."""

    class Caller:
        def open(self, method, url, token=None, **kwargs):
            headers = kwargs.pop("headers", {})
            if token:
                headers["Authorization"] = f"Bearer {token}"
            return client.open(url, method=method, headers=headers, **kwargs)

        def get(self, url, token=None, **kwargs):
            return self.open("GET", url, token, **kwargs)

        def post(self, url, token=None, **kwargs):
            return self.open("POST", url, token, **kwargs)

        def patch(self, url, token=None, **kwargs):
            return self.open("PATCH", url, token, **kwargs)

    return Caller()
