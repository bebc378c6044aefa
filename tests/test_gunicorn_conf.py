"""gunicorn.conf.py: gunicorn reads it from the project's root, and its worker hooks move the
objects alive once the app is loaded, and again after FREEZE_AFTER requests, out of the
collector's sight (gc.freeze) after a full collection."""

import gc
import importlib.util
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()


def test_gunicorn_reads_the_project_settings():
    printed = subprocess.run(
        [str(ROOT / ".venv/bin/gunicorn"), "--print-config", "venture:create_app()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    settings = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    }
    assert settings["config"] == "./gunicorn.conf.py"
    assert settings["post_worker_init"] == "<post_worker_init()>"
    assert settings["post_request"] == "<post_request()>"


def test_a_worker_freezes_what_is_alive_once_loaded_and_after_its_first_requests(conf):
    gc.unfreeze()
    worker = SimpleNamespace(nr=0)
    conf.post_worker_init(worker)
    loaded = gc.get_freeze_count()
    assert loaded > 0
    kept = [[n] for n in range(1000)]  # objects a worker's first requests keep (its caches)
    for worker.nr in range(1, conf.FREEZE_AFTER):
        conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == loaded  # no freeze before FREEZE_AFTER requests
    worker.nr = conf.FREEZE_AFTER
    conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() >= loaded + len(kept)
    frozen = gc.get_freeze_count()
    worker.nr = conf.FREEZE_AFTER + 1
    conf.post_request(worker, None, {}, None)
    assert gc.get_freeze_count() == frozen  # once only
