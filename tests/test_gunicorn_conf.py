"""gunicorn.conf.py: gunicorn reads it from the project's root, and its worker hooks move the
objects alive once the app is loaded, and again after the 1st, 2nd, 4th, … 256th request, out
of the collector's sight (gc.freeze) after a full collection."""

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


def test_a_worker_freezes_once_loaded_and_after_its_first_requests(conf, monkeypatch):
    calls = []
    recorder = SimpleNamespace(
        collect=lambda: calls.append("collect"), freeze=lambda: calls.append("freeze")
    )
    monkeypatch.setattr(conf, "gc", recorder)
    worker = SimpleNamespace(nr=0)
    conf.post_worker_init(worker)
    assert calls == ["collect", "freeze"]  # a full collection first: no garbage is frozen
    frozen_after = []
    for worker.nr in range(1, 2000):
        before = len(calls)
        conf.post_request(worker, None, {}, None)
        if len(calls) > before:
            assert calls[before:] == ["collect", "freeze"]
            frozen_after.append(worker.nr)
    assert frozen_after == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert conf.FREEZE_UNTIL == 256


def test_a_freeze_takes_what_is_alive_out_of_the_collectors_sight(conf):
    gc.unfreeze()
    kept = [[n] for n in range(1000)]  # objects alive when the worker freezes
    conf.post_worker_init(SimpleNamespace(nr=0))
    # frozen objects freed later leave the count, so it is not compared exactly
    assert gc.get_freeze_count() > len(kept)
