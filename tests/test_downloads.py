"""Finding 7: every file route downloads under a real gunicorn, in Chinese and in English,
with a Content-Disposition per RFC 6266 (the name in RFC 5987 form when it is not ASCII).

The access matrix's world is written to a SQLite file; gunicorn serves the app on it. Every
GET route of the URL map is asked once by a role the access table lets in; the routes that
answer with a Content-Disposition are the file routes, asked again in the other language. A
file route added later is found the same way.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from itertools import product
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests
from werkzeug.routing import AnyConverter

from tests import factories
from tests.access_table import WEB_TABLE
from tests.access_world import WEB_CASES, build
from tests.test_access_matrix import endpoint_of, is_api, method_of, parse_row, url_for_row
from venture import create_app
from venture.extensions import db

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
RFC5987 = re.compile(r"filename\*=UTF-8''([A-Za-z0-9!#$&+.^_`|~%-]+)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_world(app, tmp_path):
    """(base URL, people, ids): the world on a SQLite file, served by gunicorn."""
    url = f"sqlite:///{tmp_path / 'world.sqlite'}"
    config = {
        "SECRET_KEY": "downloads",
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    world_app = create_app({**config, "TESTING": True})
    with world_app.app_context(), world_app.test_request_context():
        db.create_all()
        people, ids = build()
        db.session.commit()
        emails = {case: p.email if p else None for case, p in people.items()}
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": config["SECRET_KEY"],
        "UPLOAD_FOLDER": config["UPLOAD_FOLDER"],
        "MAIL_FOLDER": config["MAIL_FOLDER"],
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers=1",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "venture:create_app()",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(f"{base}/login", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield base, emails, ids, world_app
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def signed_in(base, email, locale):
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    if email:
        response = session.post(
            f"{base}/login",
            data={
                "csrf_token": TOKEN.search(page).group(1),
                "email": email,
                "password": factories.PASSWORD,
            },
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, email
        page = session.get(f"{base}/profile", timeout=30).text
    response = session.post(
        f"{base}/language",
        data={"csrf_token": TOKEN.search(page).group(1), "locale": locale, "next": "/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    return session


def file_name(disposition):
    """The name a browser saves under (the RFC 5987 form wins over the plain one)."""
    match = RFC5987.search(disposition)
    if match:
        return unquote(match.group(1), encoding="utf-8", errors="strict")
    return re.search(r'filename="?([^";]+)"?', disposition).group(1)


def variants(rule, args):
    """The row's arguments, once per combination of the rule's any(…) choices."""
    choices = [
        [(name, item) for item in sorted(converter.items)]
        for name, converter in rule._converters.items()
        if isinstance(converter, AnyConverter) and name not in args
    ]
    return [{**args, **dict(combo)} for combo in product(*choices)]


@pytest.mark.slow
def test_every_file_route_downloads_in_chinese_and_english_under_gunicorn(served_world):
    base, emails, ids, world_app = served_world
    rules = [
        r
        for r in world_app.url_map.iter_rules()
        if r.endpoint != "static" and not is_api(r) and method_of(r) == "GET"
    ]
    sessions = {}

    def session_for(case, locale):
        if (case, locale) not in sessions:
            sessions[case, locale] = signed_in(base, emails[case], locale)
        return sessions[case, locale]

    files, failures = {}, []
    for rule in sorted(rules, key=lambda r: r.endpoint):
        rows = [text for key, text in WEB_TABLE.items() if endpoint_of(key) == rule.endpoint]
        codes, args = parse_row(rows[0], WEB_CASES)
        allowed = [case for case, code in zip(WEB_CASES, codes, strict=True) if code == "+"]
        if not allowed:
            continue
        for variant in variants(rule, args):
            with world_app.test_request_context():
                url = url_for_row(rule, variant, ids)
            response = session_for(allowed[0], "zh_CN").get(base + url, timeout=120)
            if response.status_code >= 500:
                failures.append(f"zh_CN {url}: {response.status_code}")
            if "Content-Disposition" in response.headers:
                files[url] = (allowed[0], url, response)
    for _url, (case, url, chinese) in sorted(files.items()):
        english = session_for(case, "en").get(base + url, timeout=120)
        for locale, response in (("zh_CN", chinese), ("en", english)):
            disposition = response.headers.get("Content-Disposition", "")
            if response.status_code != 200 or not response.content:
                failures.append(f"{locale} {url}: {response.status_code}")
            elif not disposition.startswith(("attachment;", "inline;")):
                failures.append(f"{locale} {url}: {disposition!r}")
            elif not file_name(disposition).isascii() and "filename*=UTF-8''" not in disposition:
                failures.append(f"{locale} {url}: no RFC 5987 name in {disposition!r}")
    assert failures == []
    # the review exports that failed in Chinese are among the routes found, named in Chinese
    review = {u for u in files if u.startswith("/staff/review/calls/")}
    assert len(review) == 4, sorted(files)
    names = {file_name(r.headers["Content-Disposition"]) for _c, _u, r in files.values()}
    assert any(not name.isascii() for name in names), sorted(names)
    assert len(files) >= 15, sorted(files)
