"""Open data: an edition's published results as CSV and JSON downloads (the public site's
/open-data/ and the rows the public API shares). Built only from ceremonies.selectors' public
reads, so nothing unpublished can reach a file.

The files do not depend on the visitor's language: labels and awards are in Bahasa Indonesia
(the award's official names, as on the certificates), stages are their codes, totals are
strings with a decimal point ("86.80", the exact frozen value)."""

import csv
import io
import json

from django.utils.translation import override

from candidates.models import Edition

from . import selectors

DATASETS = ("winners", "results")
FORMATS = ("csv", "json")

WINNERS_FIELDS = [
    "year",
    "level",
    "category",
    "award",
    "rank",
    "candidate_id",
    "candidate",
    "region",
    "province",
]
RESULTS_FIELDS = [
    "year",
    "stage",
    "category",
    "province",
    "rank",
    "candidate_id",
    "candidate",
    "region",
    "total",
    "label",
    "advanced",
]
FIELDS = {"winners": WINNERS_FIELDS, "results": RESULTS_FIELDS}

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _province_name(candidate) -> str:
    province = selectors.province_of(candidate)
    return province.name if province else ""


def winners(edition: Edition) -> list[dict]:
    """The national awards of the edition (once its national results are published) and the
    provincial labels (Peringkat I–III, Harapan I–III) of every province whose results are."""
    rows = []
    with override("id"):
        for group in selectors.edition_winners(edition):
            for award in group.awards:
                candidate = award.nomination.candidate
                rows.append(
                    {
                        "year": edition.year,
                        "level": "national",
                        "category": group.category.name,
                        "award": selectors.award_title(award),
                        "rank": award.rank,
                        "candidate_id": candidate.pk,
                        "candidate": candidate.name,
                        "region": selectors.region_of(candidate),
                        "province": _province_name(candidate),
                    }
                )
        for row in selectors.published_ranking_rows(edition):
            snapshot = row.snapshot
            if snapshot.panel.province_id is None or not row.label:
                continue
            candidate = row.nomination.candidate
            rows.append(
                {
                    "year": edition.year,
                    "level": "provincial",
                    "category": snapshot.category.name,
                    "award": row.get_label_display(),
                    "rank": row.rank,
                    "candidate_id": candidate.pk,
                    "candidate": candidate.name,
                    "region": selectors.region_of(candidate),
                    "province": snapshot.panel.province.name,
                }
            )
    return rows


def results(edition: Edition) -> list[dict]:
    """Every published frozen ranking row of the edition: rank, total, label and whether the
    nominee advanced, per stage, category and (for the provincial rankings) province."""
    rows = []
    with override("id"):
        for row in selectors.published_ranking_rows(edition):
            snapshot = row.snapshot
            candidate = row.nomination.candidate
            province = snapshot.panel.province
            rows.append(
                {
                    "year": edition.year,
                    "stage": snapshot.stage.kind,
                    "category": snapshot.category.name,
                    "province": province.name if province else "",
                    "rank": row.rank,
                    "candidate_id": candidate.pk,
                    "candidate": candidate.name,
                    "region": selectors.region_of(candidate),
                    "total": str(row.total),
                    "label": row.get_label_display() if row.label else "",
                    "advanced": row.advanced,
                }
            )
    return rows


BUILDERS = {"winners": winners, "results": results}


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(rows: list[dict], fields: list[str]) -> bytes:
    """UTF-8 with a byte-order mark (so that spreadsheet programs read the names right), a
    header row, and no cell that a spreadsheet would run as a formula."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: neutralise("true" if value is True else "false" if value is False else value)
                for key, value in row.items()
            }
        )
    return out.getvalue().encode("utf-8-sig")


def as_json(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def dataset(edition: Edition, name: str, fmt: str) -> tuple[bytes, str]:
    """The file's content and content type."""
    rows = BUILDERS[name](edition)
    if fmt == "csv":
        return as_csv(rows, FIELDS[name]), "text/csv; charset=utf-8"
    return as_json(rows), "application/json"


def file_name(edition: Edition, name: str, fmt: str) -> str:
    return f"paritrana-{edition.year}-{name}.{fmt}"
