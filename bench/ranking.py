"""The ranking: what a chair's ranking page asks of the selectors (scoring.selectors.ranking_for
ranks every nominee with their names and regions; the ties' nominees and the first page's
breakdowns are then read, see scoring.views_ranking.category_ranking) for the largest
national stage and for the largest province's provincial stage, beside one hand-written SQL
query that computes the same totals from the same score rows (each criterion's mean,
weighted as the rubric weighs them) with one aggregate per nominee and ranks them with a
window function: the least any ranking of those scores must do. (An earlier floor summed
every score of a nominee into one plain mean, which equals the stage total only when every
weight is equal and every assessor scores every criterion.)

Beside it, for reference, the same ranking with every row's nominee and breakdown read, as
the XLSX, the API and finalisation read it."""

import statistics

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from candidates.models import Category, Edition
from scoring import maths, selectors
from scoring.enums import ScoresheetState, StageKind
from scoring.models import Panel, Rubric, Score, Scoresheet

from .core import Row, Size, at_most, timed

RUNS = 9


def _floor_sql(criteria) -> str:
    """The stage total as the rubric defines it (the weighted mean of each criterion's mean
    score) in one pass over the score rows: one aggregate per nominee, the criteria told apart
    by FILTER, then RANK(). Only the criteria's ids and weights are formatted in."""
    per_criterion = " + ".join(
        f"{c.weight} * SUM(s.value) FILTER (WHERE s.criterion_id = {int(c.pk)})"
        f" / COUNT(*) FILTER (WHERE s.criterion_id = {int(c.pk)})"
        for c in criteria
    )
    weights = sum(c.weight for c in criteria)
    return f"""
    SELECT nomination_id, total, RANK() OVER (ORDER BY total DESC) AS rank
    FROM (
        SELECT sh.nomination_id, ({per_criterion}) / {weights} AS total
        FROM {Score._meta.db_table} s
        JOIN {Scoresheet._meta.db_table} sh ON sh.id = s.scoresheet_id
        JOIN candidates_nomination n ON n.id = sh.nomination_id
        WHERE sh.stage_id = %s AND sh.panel_id = %s AND sh.state = %s AND n.category_id = %s
        GROUP BY sh.nomination_id
    ) totals
    ORDER BY rank
    """  # noqa: S608 (table names, ids and weights only)


def _median_seconds(*fns) -> list[float]:
    """The median time of each of `fns`, run in turn (one of each, RUNS times): a slower spell
    of a shared machine then weighs on every one of them, not on whichever ran during it."""
    for fn in fns:
        fn()  # warm: the same pages in PostgreSQL's buffers for all
    times = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, seconds in zip(fns, times, strict=True):
            seconds.append(timed(fn)[0])
    return [statistics.median(seconds) for seconds in times]


def _floor(rubric: Rubric, panel: Panel, category: Category) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            _floor_sql(list(rubric.criteria.all())),
            [rubric.stage_id, panel.pk, ScoresheetState.SUBMITTED, category.pk],
        )
        return cursor.fetchall()


def _measure(size: Size, label: str, panel: Panel, kind: StageKind, category: Category):
    rubric = Rubric.objects.get(stage__edition=panel.edition, stage__kind=kind, category=category)
    nominations = selectors.stage_nominations(panel, kind, category)

    def app():
        """The chair's page (scoring.views_ranking.category_ranking): every nominee ranked, the
        nominees of the ties read (for the chair's tie forms), the first page's breakdowns."""
        ranking = selectors.ranking_for(
            rubric=rubric, panel=panel, nominations=nominations, nominees=False
        )
        selectors.attach_nominees([row for group in ranking.ties for row in group])
        for row in ranking.rows[: selectors.RANKING_PAGE_SIZE]:
            row.criteria  # noqa: B018 - the breakdown the page shows, made when first read
        return ranking

    def every_row():
        ranking = selectors.ranking_for(rubric=rubric, panel=panel, nominations=nominations)
        for row in ranking.rows:
            row.criteria  # noqa: B018
        return ranking

    ranking, floor_rows = every_row(), _floor(rubric, panel, category)
    floor_totals = {pk: maths.round_half_up(total) for pk, total, _ in floor_rows}
    if {r.nomination.pk: r.total for r in ranking.rows} != floor_totals:
        raise RuntimeError(f"The {label} ranking and its floor disagree on the totals.")
    with CaptureQueriesContext(connection) as queries:
        app()
    scores = len(ranking.rows) * len(ranking.criteria) * panel.members.count()
    detail = f"{label}: {len(ranking.rows):,} nominees, {scores:,} scores"
    floor, app_seconds, every_row_seconds = _median_seconds(
        lambda: _floor(rubric, panel, category), app, every_row
    )
    row = at_most("ranking", size, "seconds", "s", app_seconds, floor, 1.5, detail)
    # For reference (no target): every row's nominee and breakdown read too.
    reference = Row(
        "ranking", size.name, "seconds, every row read whole", "s",
        every_row_seconds, floor, "— (reference)", True,
        f"{label}: as the XLSX, the API and finalisation read it",
    )  # fmt: skip
    return [row, reference], len(queries), len(ranking.rows)


def measure(size: Size, *, edition: Edition) -> list:
    category = (
        Category.objects.filter(edition=edition)
        .annotate(n=Count("nominations"))
        .order_by("-n")
        .first()
    )
    jury = Panel.objects.get(edition=edition, province=None)
    province = (
        category.nominations.values("candidate__regency__province")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["candidate__regency__province"]
    )
    provincial = Panel.objects.get(edition=edition, province=province)
    national, national_queries, national_size = _measure(
        size, "national selection", jury, StageKind.NATIONAL_SELECTION, category
    )
    regional, regional_queries, regional_size = _measure(
        size, f"provincial assessment, {provincial.province.name}", provincial,
        StageKind.PROVINCIAL_ASSESSMENT, category,
    )  # fmt: skip
    # The number of queries must not grow with the nominees: the same for both stages.
    queries = at_most(
        "ranking", size, "queries", "", national_queries, regional_queries, 1,
        f"{national_size:,} nominees vs {regional_size:,}",
    )  # fmt: skip
    queries.target = "= provincial stage's"
    return [*national, *regional, queries]
