"""A test-only app for fault tests, served by gunicorn: the real app plus one route that
registers an organization (organization, first member, audit rows), flushes, and with ?pause=1
tells the test its worker's pid and waits to be killed, its transaction still open.

    gunicorn "tests.fault_app:create({...config...}, '/tmp/…/marker')"
"""

import os
import time
from pathlib import Path

from flask import Blueprint, request

from venture import create_app
from venture.core.access import public
from venture.extensions import csrf, db
from venture.orgs.operations import register_organization

PAUSE_SECONDS = 120  # the test kills the worker long before


def profile(name):
    return {
        "name": name,
        "legal_representative": "王伟",
        "address": "哈尔滨市香坊区测试路1号",
        "contact_name": "李娜",
        "contact_phone": "13800000000",
        "contact_email": "org@example.com",
        "bank_name": "中国工商银行",
        "bank_account_name": name,
        "bank_account": "6222000000000000",
    }


def create(config, marker):
    app = create_app(config)
    fault = Blueprint("fault", __name__)

    @fault.route("/_fault/register/<code>", methods=["POST"])
    @public
    @csrf.exempt
    def register(code):
        register_organization(
            credit_code=code,
            profile=profile(f"断电测试组织{code[-4:]}"),
            account={"email": f"{code}@example.com", "name": "张三", "password": "Secret12345"},
        )
        db.session.flush()  # the rows are written, inside the transaction
        if request.args.get("pause"):
            Path(marker).write_text(str(os.getpid()))
            time.sleep(PAUSE_SECONDS)
        db.session.commit()
        return "committed"

    app.register_blueprint(fault)
    return app
