"""Open data: an edition's published results as CSV and JSON downloads (the public site's
/open-data/ and the rows the public API shares). Built only from ceremonies.selectors' public
reads, so nothing unpublished can reach a file.

The files do not depend on the visitor's language: labels and awards are in Bahasa Indonesia
(the award's official names, as on the certificates), stages are their codes, totals are
strings with a decimal point ("86.80", the exact frozen value). Each column has one meaning,
documented in WINNERS_COLUMNS and RESULTS_COLUMNS (shown on the open data page)."""

import csv
import io
import json

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from candidates.models import Edition
from scoring.breakdown import national_interview
from scoring.enums import StageKind

from . import selectors

DATASETS = ("winners", "results")
FORMATS = ("csv", "json")

# Every column of each file, in order, with what it holds: the files are built with exactly
# these columns and the open data page documents them from here. A column has one meaning in
# every row; where it does not apply to a row's stage it is empty (null in JSON).
WINNERS_COLUMNS = {
    "year": _("The edition (its assessment year)."),
    "level": _(
        "national: an award of the national result or a special award; provincial: a "
        "provincial label."
    ),
    "category": _("The category's name."),
    "award": _(
        "The award: its rank label (Peringkat I–III, Harapan I–III, Terbaik) or, for any other "
        "award, its title."
    ),
    "rank": _("The rank in the ranking that gave the award (empty for a special award)."),
    "candidate_id": _("The candidate's number: its page is /results/candidate/<id>/."),
    "candidate": _("The candidate's name."),
    "region": _("The regency or city and its province, or the province."),
    "province": _("The candidate's province."),
    "demo_data": _(
        "true when the edition is demo data built from news articles (seed_demo): every score, "
        "weight and total of it is illustrative. false for a real edition."
    ),
    "illustrative": _(
        "Demo data only: true when the articles the demo is built from do not report this "
        "result (the nominee's place or award); false otherwise."
    ),
}
RESULTS_COLUMNS = {
    "year": _("The edition (its assessment year)."),
    "stage": _(
        "The ranking: provincial_assessment, national_selection or national_result (the "
        "national total of the finalists)."
    ),
    "category": _("The category's name."),
    "province": _("The province of a provincial ranking (empty for the national rankings)."),
    "rank": _("The rank in this ranking."),
    "candidate_id": _("The candidate's number: its page is /results/candidate/<id>/."),
    "candidate": _("The candidate's name."),
    "region": _("The regency or city and its province, or the province."),
    "total": _("The total in this ranking."),
    "label": _(
        "The label this ranking gave (Peringkat I–III, Harapan I–III, Terbaik); empty for none."
    ),
    "advanced_to_national": _(
        "Provincial assessment rows: true when the nominee advanced from the province to the "
        "national round, false when not. Empty on national rows."
    ),
    "national_finalist": _(
        "National selection rows: true when the jury chose the nominee as a finalist (to be "
        "interviewed), false when not. National result rows: true (it ranks the finalists). "
        "Empty on provincial rows."
    ),
    "awarded": _(
        "National result rows: true when the national result gave the finalist an award (its "
        "label), false when not. Empty on other rows; special awards are in the winners file."
    ),
    "interview_judged": _(
        "National result rows: the jury's interview score, before the attendance factor. "
        "Empty on other rows."
    ),
    "attendance_factor": _(
        "National result rows: the attendance factor, set by who attended the interview for "
        "the candidate. Empty on other rows."
    ),
    "interview_total": _(
        "National result rows: the interview's total, the jury's score multiplied by the "
        "attendance factor, as it counts in the national total. Empty on other rows."
    ),
    "demo_data": _(
        "true when the edition is demo data built from news articles (seed_demo): every score, "
        "weight and total of it is illustrative. false for a real edition."
    ),
    "illustrative": _(
        "Demo data only: true when the articles the demo is built from do not report this "
        "result (the nominee's place or award); false otherwise."
    ),
}
COLUMNS = {"winners": WINNERS_COLUMNS, "results": RESULTS_COLUMNS}
WINNERS_FIELDS = list(WINNERS_COLUMNS)
RESULTS_FIELDS = list(RESULTS_COLUMNS)
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
                        **_demo(edition, award.nomination),
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
                    **_demo(edition, row.nomination),
                }
            )
    return rows


def _demo(edition: Edition, nomination) -> dict:
    """Whether the row is demo data, and its result one the demo's articles do not report."""
    return {
        "demo_data": edition.is_demo,
        "illustrative": selectors.illustrative(edition, nomination),
    }


def _text(value) -> str | None:
    """A figure as the files give totals: text with a decimal point, exactly as frozen."""
    return None if value is None else str(value)


def _outcomes(stage: str, row) -> dict:
    """What the row's stage decided, each in its own column (the ranking row's `advanced` is
    the stage's own outcome: advanced to the national round, finalist, or awarded), and the
    national result's interview."""
    provincial = stage == StageKind.PROVINCIAL_ASSESSMENT
    result = stage == StageKind.NATIONAL_RESULT
    interview = national_interview(row.breakdown) if result else None
    return {
        "advanced_to_national": row.advanced if provincial else None,
        "national_finalist": None if provincial else True if result else row.advanced,
        "awarded": row.advanced if result else None,
        "interview_judged": _text(interview.judged) if interview else None,
        "attendance_factor": _text(interview.factor) if interview else None,
        "interview_total": _text(interview.total) if interview else None,
    }


def results(edition: Edition) -> list[dict]:
    """Every published frozen ranking row of the edition: rank, total, label, what the stage
    decided for the nominee and, in the national result, the interview, per stage, category
    and (for the provincial rankings) province."""
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
                    **_outcomes(snapshot.stage.kind, row),
                    **_demo(edition, row.nomination),
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
