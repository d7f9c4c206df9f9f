"""What the dashboard shows branch staff (their nominations of the current edition by state,
and what is due) and the secretariat (the edition's stages and the nominations of every
province, by how far they have come)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F
from django.utils.translation import pgettext_lazy

from .enums import NominationState
from .models import Edition, Nomination, Province
from .selectors import branch_worklist, current_edition

S = NominationState
# The secretariat's groups of states: how far each nomination has come.
PROGRESS_GROUPS = [
    ("draft", pgettext_lazy("progress group", "Draft"), (S.DRAFT,)),
    (
        "verification",
        pgettext_lazy("progress group", "In verification"),
        (S.SUBMITTED, S.RETURNED, S.RESUBMITTED),
    ),
    (
        "province",
        pgettext_lazy("progress group", "Verified and scored in the province"),
        (S.VERIFIED, S.SCORED, S.NOT_ADVANCED),
    ),
    (
        "national",
        pgettext_lazy("progress group", "In the national round"),
        (S.ADVANCED, S.FINALIST, S.NOT_FINALIST, S.AWARDED, S.NOT_AWARDED),
    ),
    (
        "out",
        pgettext_lazy("progress group", "Ineligible or withdrawn"),
        (S.INELIGIBLE, S.WITHDRAWN),
    ),
]
_GROUP_OF = {state: key for key, _label, states in PROGRESS_GROUPS for state in states}


@dataclass
class BranchDashboard:
    edition: Edition | None
    by_state: list[tuple[str, str, int]]  # (state, label, count), in the states' order
    due: list[Nomination]  # drafts and returned dossiers, soonest deadline first (`deadline`)

    @property
    def total(self) -> int:
        return sum(count for _state, _label, count in self.by_state)

    def chart(self) -> dict:
        return {
            "horizontal": False,
            "labels": [label for _state, label, _count in self.by_state],
            "series": [
                {
                    "label": pgettext_lazy("chart", "Nominations"),
                    "values": [count for _state, _label, count in self.by_state],
                }
            ],
        }


def branch_dashboard(user) -> BranchDashboard:
    edition = current_edition()
    if edition is None:
        return BranchDashboard(edition=None, by_state=[], due=[])
    rows = list(
        branch_worklist(user)
        .filter(category__edition=edition)
        .order_by("candidate__name", "category__order")
    )
    counts = defaultdict(int)
    for n in rows:
        counts[n.state] += 1
    due = []
    for n in rows:
        if n.state == S.DRAFT:
            n.deadline = edition.nomination_deadline
        elif n.state == S.RETURNED:
            n.deadline = n.return_deadline
        else:
            continue
        due.append(n)
    due.sort(key=lambda n: (n.deadline is None, n.deadline or date.min, n.candidate.name))
    return BranchDashboard(
        edition=edition,
        by_state=[(s.value, s.label, counts[s.value]) for s in NominationState if counts[s.value]],
        due=due,
    )


@dataclass
class ProvinceLine:
    province: Province
    counts: dict[str, int]  # per progress group
    total: int


@dataclass
class NationalProgress:
    edition: Edition | None
    stages: list  # the edition's stages in order (scoring.Stage)
    provinces: list[ProvinceLine]  # the provinces with nominations, by name
    without: list[Province]  # the provinces without any yet
    groups: list[tuple[str, str]]  # (key, label)

    def chart(self) -> dict:
        """One stacked bar per province with nominations."""
        lines = self.provinces
        return {
            "horizontal": True,
            "stacked": True,
            "labels": [line.province.name for line in lines],
            "series": [
                {"label": label, "values": [line.counts[key] for line in lines]}
                for key, label in self.groups
            ],
        }

    def totals(self) -> list[int]:
        """Per progress group, in their order, then the grand total."""
        totals = [sum(line.counts[key] for line in self.provinces) for key, _label in self.groups]
        return [*totals, sum(totals)]


def national_progress() -> NationalProgress:
    """The current edition's stages and its nominations per province (the province of the
    candidate, or of its regency/city), by progress group: two queries and the provinces."""
    from scoring.models import Stage

    edition = current_edition()
    groups = [(key, str(label)) for key, label, _states in PROGRESS_GROUPS]
    if edition is None:
        return NationalProgress(None, stages=[], provinces=[], without=[], groups=groups)
    stages = list(Stage.objects.filter(edition=edition).order_by("order"))
    counts = (
        Nomination.objects.filter(category__edition=edition)
        .values("state", home=F("candidate__home_province_code"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_province: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        per_province[row["home"]][_GROUP_OF[row["state"]]] += row["n"]
    lines, without = [], []
    for province in Province.objects.order_by("name"):
        counts = per_province.get(province.pk)
        if not counts:
            without.append(province)
            continue
        lines.append(
            ProvinceLine(
                province=province,
                counts={key: counts[key] for key, _label in groups},
                total=sum(counts.values()),
            )
        )
    return NationalProgress(edition, stages, provinces=lines, without=without, groups=groups)
