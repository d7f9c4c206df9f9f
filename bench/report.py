"""bench/results.json and the Markdown table the README quotes."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

from .core import Row

HERE = Path(__file__).resolve().parent


def _first_line(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT 1")
        database = f"{connection.vendor} {cursor.fetchone()[0]}"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": database,
        "redis": _first_line(["redis-server", "--version"]).split(" sha=")[0],
    }


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("", "queries") or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def table(rows: list[Row]) -> str:
    lines = [
        "| path | size | measure | app | floor | ratio | target | met |",
        "|---|---|---|---:|---:|---:|---|:-:|",
    ]
    for row in rows:
        unit = f" {row.unit}" if row.unit else ""
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        lines.append(
            f"| {row.path} | {row.size} ({row.detail}) | {row.measure} "
            f"| {_number(row.app, row.unit)}{unit} | {_number(row.floor, row.unit)}"
            f"{unit if row.floor is not None else ''} | {ratio} | {row.target} "
            f"| {'yes' if row.ok else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def write(rows: list[Row], *, started: datetime, seconds: float, name: str = "results") -> str:
    about = machine()
    document = {
        "date": started.astimezone(UTC).isoformat(timespec="seconds"),
        "duration_seconds": round(seconds),
        "machine": about,
        "all_met": all(row.ok for row in rows),
        "rows": [row.as_dict() for row in rows],
    }
    (HERE / f"{name}.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    heading = (
        f"Measured {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC "
        f"on {about['cores']} cores ({about['cpu']}), "
        f"{about['memory_gib']} GiB, Python {about['python']}, {about['database']}, "
        f"{about['redis']}; the run took {seconds / 60:.0f} minutes.\n\n"
    )
    markdown = heading + table(rows)
    (HERE / f"{name}.md").write_text(markdown)
    return markdown
