"""The instance secret key: one key for every worker of a server, however they start."""

from multiprocessing import get_context

from venture.config import _instance_secret


def test_workers_starting_at_once_read_one_secret_key(tmp_path):
    with get_context("fork").Pool(4) as pool:
        keys = pool.map(_instance_secret, [tmp_path] * 8)
    assert (len(set(keys)), len(keys[0])) == (1, 64)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_secret_key_is_kept_between_starts(tmp_path):
    assert _instance_secret(tmp_path) == _instance_secret(tmp_path)
