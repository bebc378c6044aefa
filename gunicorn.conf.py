"""gunicorn's settings for Venture, read from the folder gunicorn starts in (the project's root:
README, "Production serving"); the command line's own options (workers, bind) come on top.

A worker holds ~340,000 long-lived objects (modules, models, templates, translations, compiled
statements). Python's collector walks them all at each full collection, ~180 ms on the
benchmark machine, stopping the request it falls in and those queued behind it. gc.freeze()
moves the objects alive at that moment out of its sight: once the app is loaded, and once more
after the worker's first FREEZE_AFTER requests have built the caches they fill (a full
collection then takes ~16 ms). Each freeze follows a full collection, so no garbage is frozen.
"""

import gc

FREEZE_AFTER = 200  # requests of a worker, after which its caches are built


def _freeze():
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _freeze()


def post_request(worker, _req, _environ, _resp):
    # after the response is written: the request has its answer before the collection
    if worker.nr == FREEZE_AFTER:
        _freeze()
