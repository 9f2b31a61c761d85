"""Time real Buildbot's masters connector for `multimaster bench`.

Run with the Python that has Buildbot installed (Debian: /usr/bin/python3). The database URL
(SQLAlchemy form, possibly with a password) comes in the environment variable
MULTIMASTER_BENCH_DB_URL, never on the command line:

    buildbot_bench.py --basedir DIR

It opens Buildbot's own DBConnector once (imports and setup are not timed), prints one JSON line
{"ready": true, "buildbot": VERSION, "sqlalchemy": VERSION}, then answers one JSON request per
line of stdin with one JSON line on stdout: {"nanos": [...]} holding the wall time of each call
in nanoseconds, measured with time.perf_counter_ns() around the Deferred the connector returns
(so the hop to Buildbot's database thread pool is counted, as it is in every Buildbot master).
Requests:

    {"op": "find", "names": [...]}             findMasterId(name) for each name
    {"op": "set", "ids": [...], "active": B}   setMasterState(id, B) for each id
    {"op": "get", "ids": [...]}                getMaster(id) for each id
    {"op": "list", "count": N}                 getMasters(), N times
    {"op": "page", "count": N, "filters": [[field, op, [values]]...], "order": [...], "limit": L}
        what Buildbot's data API does for GET /api/v2/masters?...: getMasters(), then its
        ResultSpec filters, orders and pages the rows in Python
    {"op": "long_ago", "count": N}             setAllMastersActiveLongTimeAgo(), N times
    {"op": "sweep", "count": N}                the data layer's expireMasters(), N times
    {"op": "quit"}

A failure answers {"error": "..."} and the driver goes on with the next request.
"""

import argparse
import json
import os
import sys
import time
import types

from twisted.internet import defer
from twisted.internet import task
from twisted.internet import threads


@defer.inlineCallbacks
def open_db(reactor, basedir, db_url):
    from buildbot.db.connector import DBConnector
    from buildbot.process.cache import CacheManager
    from buildbot.util import service

    master = service.MasterService()
    master.reactor = reactor
    master.basedir = basedir
    master.config = types.SimpleNamespace(db={"db_url": db_url})
    master.caches = CacheManager()
    yield master.caches.setServiceParent(master)
    db = DBConnector(basedir)
    yield db.setServiceParent(master)
    # The schema may be multimaster's (no alembic stamp); the masters table is the same.
    yield db.setup(check_version=False, verbose=False)
    master.db = db
    return master


def result_spec(request):
    from buildbot.data import resultspec

    filters = [resultspec.Filter(field, op, values) for field, op, values in request.get("filters", [])]
    return resultspec.ResultSpec(filters=filters, order=tuple(request.get("order", [])) or None,
                                 limit=request.get("limit"))


@defer.inlineCallbacks
def page(master):
    from buildbot.data.masters import _db2data

    rows = yield master.db.masters.getMasters()
    return [_db2data(m) for m in rows]


@defer.inlineCallbacks
def timed(calls):
    """Runs each zero-argument function returning a Deferred, one after the other; their times."""
    nanos = []
    for call in calls:
        start = time.perf_counter_ns()
        yield call()
        nanos.append(time.perf_counter_ns() - start)
    return nanos


def calls_for(master, expirer, request):
    masters = master.db.masters
    op = request["op"]
    if op == "find":
        return [lambda n=n: masters.findMasterId(n) for n in request["names"]]
    if op == "set":
        active = request["active"]
        return [lambda i=i: masters.setMasterState(i, active) for i in request["ids"]]
    if op == "get":
        return [lambda i=i: masters.getMaster(i) for i in request["ids"]]
    if op == "list":
        return [masters.getMasters for _ in range(request["count"])]
    if op == "page":
        def one():
            spec = result_spec(request)
            return page(master).addCallback(spec.apply)
        return [one for _ in range(request["count"])]
    if op == "long_ago":
        return [masters.setAllMastersActiveLongTimeAgo for _ in range(request["count"])]
    if op == "sweep":
        return [expirer.expireMasters for _ in range(request["count"])]
    raise ValueError(f"unknown operation {op!r}")


@defer.inlineCallbacks
def serve(reactor, args):
    import buildbot
    import sqlalchemy
    from buildbot.data.masters import Master

    master = yield open_db(reactor, args.basedir, os.environ["MULTIMASTER_BENCH_DB_URL"])
    # The data layer's masters resource type, whose expireMasters() every master runs each minute.
    expirer = Master(master)
    write({"ready": True, "buildbot": buildbot.version, "sqlalchemy": sqlalchemy.__version__})
    try:
        while True:
            line = yield threads.deferToThread(sys.stdin.readline)
            if not line or json.loads(line)["op"] == "quit":
                break
            request = json.loads(line)
            try:
                nanos = yield timed(calls_for(master, expirer, request))
                write({"nanos": nanos})
            except Exception as e:  # reported to the Java side, which fails the run
                write({"error": f"{type(e).__name__}: {e}"})
    finally:
        yield master.db.pool.shutdown()


def write(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--basedir", required=True, help="an existing directory")
    args = parser.parse_args()
    task.react(serve, (args,))


if __name__ == "__main__":
    main()
