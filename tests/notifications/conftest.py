import email
from email import policy
from pathlib import Path

import pytest


class Mailbox:
    """The .eml files written to MAIL_FOLDER since the test began."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in self.folder.glob("*.eml"):
            path.unlink()

    @property
    def messages(self):
        paths = sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox(app):
    return Mailbox(app.config["MAIL_FOLDER"])
