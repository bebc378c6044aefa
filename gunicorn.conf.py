"""gunicorn's settings for Venture, read from the folder gunicorn starts in (the project's root:
README, "Production serving"); the command line's own options (workers, bind) come on top.

A worker holds ~340,000 long-lived objects (modules, models, templates, translations, compiled
statements). Python's collector walks them all at each full collection, ~180 ms on the
benchmark machine, stopping the request it falls in and those queued behind it. gc.freeze()
moves the objects alive at that moment out of its sight: once the app is loaded, and again
after the worker's 1st, 2nd, 4th, … FREEZE_UNTIL-th request, while its first requests build the
caches they fill (compiled templates and statements, translations, stored figures). Each freeze
follows a full collection, so no garbage is frozen; each collection walks only what is new
since the last freeze (under 3 ms), where a full collection the collector starts by itself in a
worker's first 200 requests took 12–17 ms, twice, inside a request (bench/README.md).
"""

import gc

FREEZE_UNTIL = 256  # the last request after which a worker freezes (its caches are built)


def _freeze():
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _freeze()


def post_request(worker, _req, _environ, _resp):
    # after the response is written: the request has its answer before the collection
    if worker.nr <= FREEZE_UNTIL and worker.nr & (worker.nr - 1) == 0:  # a power of two
        _freeze()
