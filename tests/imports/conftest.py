import pytest
from flask_babel import force_locale


@pytest.fixture(autouse=True)
def english():
    """Reasons read in English, so the tests can compare them word for word."""
    with force_locale("en"):
        yield
