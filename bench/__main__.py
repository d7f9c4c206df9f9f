"""`make bench`: build a national-scale synthetic edition on PostgreSQL and measure the four
paths of issue 8 beside their floors, and a branch's pages and exports with 240,000 nominations
(issue 24), at a quarter of the full size and at the full size.

    python -m bench [--only ranking,public,imports,certificates,exports] [--sizes quarter,full]
                    [--fraction 0.05] [--keep]

Needs DATABASE_URL (a PostgreSQL database it may drop and create again: everything in it is
lost) and REDIS_URL. `--fraction` shrinks both sizes for a quick try; the README's figures come
from a full run. Writes bench/results.json and bench/results.md."""

import argparse
import os
import sys
import time
from datetime import datetime

PATHS = ("ranking", "public", "certificates", "imports", "exports")


def _arguments():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(PATHS), help="paths to measure")
    parser.add_argument("--sizes", default="quarter,full", help="sizes to measure")
    parser.add_argument("--fraction", type=float, default=1.0, help="shrink every size")
    parser.add_argument(
        "--output",
        default="results",
        help="write bench/<output>.json and .md (another name keeps the README's results)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse the database as it is, with the editions already built in it",
    )
    args = parser.parse_args()
    args.only = [p for p in args.only.split(",") if p]
    unknown = set(args.only) - set(PATHS)
    if unknown:
        parser.error(f"unknown paths: {', '.join(sorted(unknown))}")
    return args


def _fresh_database() -> None:
    """Drop and create the configured PostgreSQL database, then migrate and load the regions."""
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("make bench needs DATABASE_URL=postgres://… (a database it may recreate).")
    config = environ.Env.db_url_config(url)
    maintenance = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with maintenance:
        name = config["NAME"]
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    args = _arguments()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if not args.keep:
        _fresh_database()

    import django

    django.setup()
    from django.core.management import call_command

    from . import certificates, dataset, exports, imports, public, ranking, report
    from .core import SIZES, Size

    if not args.keep:
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    rows = []
    for name in args.sizes.split(","):
        size = Size(name, SIZES[name].fraction * args.fraction)
        needs_edition = {"ranking", "public", "certificates"} & set(args.only)
        edition = dataset.build(size, reuse=args.keep) if needs_edition else None
        if "ranking" in args.only:
            rows += ranking.measure(size, edition=edition)
        if "public" in args.only:
            rows += public.measure(size, edition=edition)
        if "certificates" in args.only:
            rows += certificates.measure(size, edition=edition)
        if "imports" in args.only:
            rows += imports.measure(size)
        if "exports" in args.only:
            rows += exports.measure(size)
        for row in rows:
            if row.size == size.name:
                print(report.table([row]).splitlines()[-1], flush=True)
    print(
        report.write(rows, started=started, seconds=time.perf_counter() - clock, name=args.output)
    )
    sys.exit(0 if all(row.ok for row in rows) else 1)


if __name__ == "__main__":
    main()
