"""The scoring maths of SPEC §6, written once in plain Decimal arithmetic.

The ranking itself is computed in the database (scoring.selectors.ranking_for), which is what
pages, the API and finalisation use; these functions are the same rules for one nominee at a
time. The tests check the database against them on hand-computed examples and on random data,
and the scoresheet page uses them to preview a criterion.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .enums import Aggregation

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def round_half_up(value: Decimal) -> Decimal:
    """Two decimals, half up (72.125 → 72.13), as every total is published."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal) -> Decimal:
    return min(HUNDRED, max(Decimal(0), value))


def linear_score(value: Decimal | None, *, zero_at: Decimal, full_at: Decimal) -> Decimal:
    """0 at `zero_at`, 100 at `full_at`, linear between and clamped outside. `full_at` below
    `zero_at` means lower is better (months of arrears). A missing indicator scores 0."""
    if value is None:
        return Decimal(0)
    return _clamp((Decimal(value) - zero_at) * HUNDRED / (full_at - zero_at))


def relative_score(value: Decimal | None, *, best: Decimal | None) -> Decimal:
    """100 for the best value in the cohort, proportionally less for the rest."""
    if value is None or not best or best <= 0:
        return Decimal(0)
    return _clamp(Decimal(value) * HUNDRED / best)


def trimmed(values: Sequence[Decimal], trim_percent: int) -> list[Decimal]:
    """Drop `trim_percent` % of the scores, rounded down, at each end."""
    ordered = sorted(values)
    cut = len(ordered) * trim_percent // 100
    return ordered[cut : len(ordered) - cut]


def median(values: Sequence[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def aggregate(values: Sequence[Decimal], method: str, trim_percent: int = 20) -> Decimal | None:
    """The criterion score from the counted assessors' scores (None when nobody scored)."""
    values = [Decimal(v) for v in values]
    if not values:
        return None
    if method == Aggregation.MEDIAN:
        return median(values)
    if method == Aggregation.TRIMMED_MEAN:
        values = trimmed(values, trim_percent)
    return sum(values) / len(values)


def _mean_sd(values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
    mean = sum(values) / len(values)
    variance = sum(v * v for v in values) / len(values) - mean * mean
    return mean, (variance.sqrt() if variance > 0 else Decimal(0))


def zscore_normalise(
    scores: Mapping[tuple[object, object], Decimal],
) -> dict[tuple[object, object], Decimal]:
    """Per-assessor z-score normalisation of one criterion's scores, keyed (assessor, nominee).

    Each assessor's scores are standardised over the nominees they scored and put back on the
    scale of all assessors' scores: x' = μ + σ·(x − μₐ)/σₐ, clamped to 0–100 (population standard
    deviations). An assessor who gave everyone the same score gets μ for each."""
    if not scores:
        return {}
    with localcontext() as context:
        context.prec = 28
        everyone = [Decimal(v) for v in scores.values()]
        mean, sd = _mean_sd(everyone)
        by_assessor: dict[object, list[Decimal]] = {}
        for (assessor, _nominee), value in scores.items():
            by_assessor.setdefault(assessor, []).append(Decimal(value))
        stats = {a: _mean_sd(values) for a, values in by_assessor.items()}
        result = {}
        for (assessor, nominee), value in scores.items():
            a_mean, a_sd = stats[assessor]
            if a_sd == 0:
                result[(assessor, nominee)] = _clamp(mean)
            else:
                result[(assessor, nominee)] = _clamp(mean + sd * (Decimal(value) - a_mean) / a_sd)
        return result


def stage_total(weighted: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal:
    """Σ weight × criterion score / Σ weight, two decimals half up (SPEC §6). A criterion nobody
    scored counts as 0."""
    weighted = list(weighted)
    total_weight = sum(Decimal(w) for w, _ in weighted)
    if not total_weight:
        return Decimal("0.00")
    return round_half_up(
        sum(Decimal(w) * (Decimal(s) if s is not None else 0) for w, s in weighted) / total_weight
    )


def contribution(weight: Decimal, score: Decimal, total_weight: Decimal) -> Decimal:
    """What one criterion adds to the total, for the breakdown (two decimals)."""
    return round_half_up(Decimal(weight) * Decimal(score) / Decimal(total_weight))
