#!/usr/bin/python3
"""What a burst of events costs the Build Masters page in a browser.

A scratch SQLite database holds MASTERS active masters, each owning one scheduler; `serve --poll 2s`
on the jar lists them, and headless Chromium shows the page. Each burst is one UPDATE that moves the
last_active of every master (or of the first CHANGED), as their check-ins would, so that the cluster
watcher publishes that many events at its next poll. (Until 2026-12-07 the masters were inactive, which
the watcher read at every poll then; it now reads an inactive master it knows only once a minute.) Printed per burst, as one JSON line: the seconds until the page shows every
new time, and the browser's main thread time over that and one second more (Chromium's own counters,
CDP Performance.getMetrics: tasks, of them script, layout and style).

Usage: multimaster-bench/page-burst.py [--jar JAR] [--changed CHANGED] MASTERS BURSTS
JAR defaults to the jar that `bin/multimaster` runs (build it first). Needs Debian's chromium,
chromium-driver and python3-selenium, and /usr/bin/python3 (Debian's, which has Selenium).
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def positive(text):
    if not re.fullmatch(r"[1-9][0-9]*", text):
        raise argparse.ArgumentTypeError("must be a positive whole number, not '%s'" % text)
    return int(text)


def main():
    parser = argparse.ArgumentParser(prog="page-burst.py", description=__doc__.splitlines()[0])
    parser.add_argument("--jar", default=os.path.join(ROOT, "multimaster-server/target/multimaster.jar"))
    parser.add_argument("--changed", type=positive, help="masters that check in at each burst (default: all)")
    parser.add_argument("masters", type=positive)
    parser.add_argument("bursts", type=positive)
    args = parser.parse_args()
    if args.changed is not None and args.changed > args.masters:
        parser.error("--changed %d is more than the %d masters" % (args.changed, args.masters))
    if not os.path.isfile(args.jar):
        parser.error("no jar at %s; build it with ./mvnw -B package -DskipTests" % args.jar)

    work = tempfile.mkdtemp(prefix="multimaster-page-burst.")
    serve = None
    browser = None
    try:
        db = os.path.join(work, "state.sqlite")
        url = "sqlite:///" + db
        subprocess.run(["java", "-jar", args.jar, "upgrade", "--db", url], check=True, capture_output=True)
        connection = sqlite3.connect(db)
        n = args.masters
        changed = args.changed or n
        connection.executemany(
            "INSERT INTO masters (id, name, name_hash, active, last_active) VALUES (?, ?, ?, 1, 1348971992)",
            [(i, "master-%d" % i, "h%d" % i) for i in range(1, n + 1)])
        connection.executemany(
            "INSERT INTO schedulers (id, name, name_hash, enabled) VALUES (?, ?, ?, 1)",
            [(i, "scheduler-%d" % i, "s%d" % i) for i in range(1, n + 1)])
        connection.executemany(
            "INSERT INTO scheduler_masters (schedulerid, masterid) VALUES (?, ?)", [(i, i) for i in range(1, n + 1)])
        connection.commit()

        log_path = os.path.join(work, "serve.log")
        with open(log_path, "w") as log:
            serve = subprocess.Popen(
                ["java", "-jar", args.jar, "serve", "--db", url, "--http", "127.0.0.1:0", "--poll", "2s"],
                stdout=log, stderr=subprocess.STDOUT)
        port = None
        for _ in range(600):
            with open(log_path) as log:
                found = re.search(r"on http://[^ ]*:(\d+)/", log.read())
            if found:
                port = found.group(1)
                break
            if serve.poll() is not None:
                break
            time.sleep(0.1)
        if port is None:
            with open(log_path) as log:
                sys.exit("page-burst.py: serve did not start:\n" + log.read())

        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1200,900", "--user-data-dir=" + os.path.join(work, "chromium")]:
            options.add_argument(argument)
        browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        browser.get("http://127.0.0.1:%s/" % port)
        while (browser.execute_script("return document.querySelectorAll('#masters tbody tr').length") != n
               or browser.find_element("id", "status").text != "live"):
            time.sleep(0.2)
        browser.execute_cdp_cmd("Performance.enable", {})

        def metrics():
            reply = browser.execute_cdp_cmd("Performance.getMetrics", {})
            return {m["name"]: m["value"] for m in reply["metrics"]}

        for burst in range(1, args.bursts + 1):
            stamp = 1500000000 + burst
            want = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))
            before = metrics()
            start = time.monotonic()
            connection.execute("UPDATE masters SET last_active = ? WHERE id <= ?", (stamp, changed))
            connection.commit()
            while browser.execute_script(
                    "return [...document.querySelectorAll('#masters tbody tr')]"
                    ".filter(tr => Number(tr.dataset.masterid) <= arguments[1])"
                    ".every(tr => tr.querySelector('td.last abbr').title === arguments[0])", want, changed) is not True:
                time.sleep(0.1)
            shown = time.monotonic() - start
            time.sleep(1)
            after = metrics()
            spent = {name: round(after[name] - before[name], 3)
                     for name in ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"]}
            print(json.dumps({"jar": args.jar, "masters": n, "changed": changed, "burst": burst, "shown_after_s": round(shown, 2),
                              **spent}), flush=True)
    finally:
        if browser is not None:
            browser.quit()
        if serve is not None:
            serve.terminate()
            serve.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
