"""Drive real Buildbot's masters DB connector for multimaster's interoperability tests.

Run with the Python that has Buildbot installed (Debian: /usr/bin/python3):

    buildbot_masters.py --db DB_URL --basedir DIR [--now EPOCH] [--no-version-check]

Reads a JSON list of operations on stdin and runs them, in order, through
``master.db.masters``: Buildbot's own ``DBConnector`` under a minimal master service that
has just what the connector uses (reactor, basedir, config.db, caches). ``BuildMaster``
itself would do too, but importing it costs a second per run. Operations:

    {"op": "find", "name": "..."}              -> findMasterId(name)
    {"op": "set", "id": N, "active": true}     -> setMasterState(N, active)
    {"op": "set", "result": K, "active": true} -> the same, N being what operation K returned
    {"op": "get", "id": N}                     -> getMaster(N)
    {"op": "list"}                             -> getMasters()
    {"op": "now", "at": EPOCH}                 -> from now on, Buildbot's time is EPOCH

Prints one JSON object on stdout:

    {"results": [...one per operation...],
     "masters": [...getMasters(), ordered by id...],
     "raw": [...every row of the masters table read with plain SQL, including name_hash...]}

A master is printed as {"id", "name", "active", "last_active"} with last_active in epoch
seconds. --now (and the "now" operation) fix the time Buildbot's connector reads from its
reactor, so that the tests can compare last_active exactly. --no-version-check opens a database that Buildbot's
schema migrations did not create (as upgrade-master does before it upgrades).
"""

import argparse
import json
import sys
import types

from twisted.internet import defer
from twisted.internet import task


class FixedTimeReactor:
    """The real reactor, except that seconds() returns a fixed time."""

    def __init__(self, real, now):
        self._real = real
        self.now = now

    def seconds(self):
        return self.now

    def __getattr__(self, name):
        return getattr(self._real, name)


def master_to_json(master):
    from buildbot.util import datetime2epoch

    if master is None:
        return None
    return {
        "id": master["id"],
        "name": master["name"],
        "active": bool(master["active"]),
        "last_active": datetime2epoch(master["last_active"]),
    }


def read_raw(conn):
    import sqlalchemy as sa

    rows = conn.execute(
        sa.text("SELECT id, name, name_hash, active, last_active FROM masters ORDER BY id")
    ).fetchall()
    return [
        {
            "id": row.id,
            "name": row.name,
            "name_hash": row.name_hash,
            "active": row.active,
            "last_active": row.last_active,
        }
        for row in rows
    ]


@defer.inlineCallbacks
def open_db(reactor, basedir, db_url, check_version):
    """Buildbot's DBConnector, set up under a minimal master service, as a master sets it up."""
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
    yield db.setup(check_version=check_version, verbose=False)
    return db


@defer.inlineCallbacks
def run(reactor, args, operations):
    reactor = FixedTimeReactor(reactor, args.now if args.now is not None else int(reactor.seconds()))
    db = yield open_db(reactor, args.basedir, args.db, not args.no_version_check)
    try:
        results = []
        for operation in operations:
            op = operation["op"]
            if op == "find":
                results.append((yield db.masters.findMasterId(operation["name"])))
            elif op == "set":
                masterid = operation["id"] if "id" in operation else results[operation["result"]]
                results.append((yield db.masters.setMasterState(masterid, operation["active"])))
            elif op == "get":
                results.append(master_to_json((yield db.masters.getMaster(operation["id"]))))
            elif op == "list":
                results.append([master_to_json(m) for m in (yield db.masters.getMasters())])
            elif op == "now":
                reactor.now = operation["at"]
                results.append(None)
            else:
                raise ValueError(f"unknown operation {op!r}")
        masters = sorted(
            (master_to_json(m) for m in (yield db.masters.getMasters())), key=lambda m: m["id"]
        )
        raw = yield db.pool.do(read_raw)
    finally:
        yield db.pool.shutdown()
    json.dump({"results": results, "masters": masters, "raw": raw}, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True, help="Buildbot db_url")
    parser.add_argument("--basedir", required=True, help="an existing directory")
    parser.add_argument("--now", type=int, help="epoch seconds Buildbot takes as now")
    parser.add_argument("--no-version-check", action="store_true")
    args = parser.parse_args()
    operations = json.load(sys.stdin)
    task.react(run, (args, operations))


if __name__ == "__main__":
    main()
