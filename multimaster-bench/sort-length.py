#!/usr/bin/python3
"""What whole-name sorting costs a page by name on MariaDB.

MariaDB and MySQL sort a string by its first max_sort_length bytes (1,024 by default). The connector's
page by name reads two more columns (the session's max_sort_length and the longest sorted name of each
row) and reads the page again with max_sort_length raised only when a name of the page is that long.
This times, on a scratch database of masters in Buildbot's layout, the page of 50 by name as the
connector sent it before (plain), as it sends it now (checked), and with max_sort_length raised for
every page (raised), alternated in rounds; it prints the median wall time of each, per table size.

Usage: multimaster-bench/sort-length.py [--rounds R] [--calls N] [--host H] [--port P]
Needs Debian's python3-pymysql and a MariaDB server where root may create the database
mm_sort_length (dropped at the end).
"""
import argparse
import statistics
import sys
import time

try:
    import pymysql
except ImportError:
    sys.exit("sort-length.py: needs PyMySQL; install Debian's python3-pymysql")

SIZES = (1_000, 10_000, 100_000)
COLUMNS = "id, name, active, last_active, (SELECT COUNT(*) FROM {t}) AS total_count"
CHECK = ", @@max_sort_length AS sorted_bytes, GREATEST(0, OCTET_LENGTH(name)) AS longest_sort_key"
ORDER = " FROM {t} ORDER BY CAST(name AS BINARY) ASC, id ASC LIMIT 50"
VARIANTS = {
    "plain": ("SELECT " + COLUMNS + ORDER, 1024),
    "checked": ("SELECT " + COLUMNS + CHECK + ORDER, 1024),
    "raised": ("SELECT " + COLUMNS + ORDER, 65535),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3306)
    args = parser.parse_args()
    if args.rounds < 1 or args.calls < 1:
        parser.error("--rounds and --calls must be at least 1")

    connection = pymysql.connect(host=args.host, port=args.port, user="root", autocommit=True)
    cursor = connection.cursor()
    try:
        cursor.execute("DROP DATABASE IF EXISTS mm_sort_length")
        cursor.execute("CREATE DATABASE mm_sort_length")
        cursor.execute("USE mm_sort_length")
        for size in SIZES:
            table = f"masters_{size}"
            cursor.execute(
                f"CREATE TABLE {table} (id INTEGER AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL,"
                " name_hash VARCHAR(40) NOT NULL, active SMALLINT NOT NULL, last_active INTEGER NOT NULL,"
                " UNIQUE KEY masters_name_hash (name_hash))")
            cursor.execute(
                f"INSERT INTO {table} (name, name_hash, active, last_active)"
                f" SELECT CONCAT('master-', seq, ':/var/lib/buildbot/m', seq), SHA1(seq), seq % 2, 1000 + seq"
                f" FROM seq_1_to_{size}")
            cursor.execute(f"ANALYZE TABLE {table}")
            cursor.fetchall()

        times = {(size, variant): [] for size in SIZES for variant in VARIANTS}
        for _ in range(args.rounds):
            for size in SIZES:
                for variant, (sql, sort_length) in VARIANTS.items():
                    cursor.execute(f"SET SESSION max_sort_length = {sort_length}")
                    statement = sql.format(t=f"masters_{size}")
                    cursor.execute(statement)  # once untimed
                    cursor.fetchall()
                    for _ in range(args.calls):
                        start = time.perf_counter()
                        cursor.execute(statement)
                        cursor.fetchall()
                        times[(size, variant)].append(time.perf_counter() - start)
        cursor.execute("SELECT VERSION()")
        version = cursor.fetchone()[0]
        print(f"MariaDB {version}; {args.rounds} rounds of {args.calls} calls each, alternated;"
              " median wall time of a page of 50 by name, ms")
        print("masters  " + "  ".join(f"{v:>8}" for v in VARIANTS))
        for size in SIZES:
            medians = [statistics.median(times[(size, v)]) * 1000 for v in VARIANTS]
            print(f"{size:>7}  " + "  ".join(f"{m:8.2f}" for m in medians))
    finally:
        cursor.execute("DROP DATABASE IF EXISTS mm_sort_length")
        connection.close()


if __name__ == "__main__":
    main()
