"""What the dashboard shows branch staff (their nominations of the current edition by state,
and what is due) and the secretariat (the edition's stages and the nominations of every
province, by how far they have come)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Value, When
from django.utils.translation import pgettext_lazy

from .enums import NominationState
from .models import Edition, Nomination, Province
from .selectors import branch_nominations, branch_worklist, current_edition

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


# The most due items the dashboard lists; the rest are reached through the paginated list.
DUE_LIMIT = 20


@dataclass
class BranchDashboard:
    edition: Edition | None
    by_state: list[tuple[str, str, int]]  # (state, label, count), in the states' order
    # Drafts and returned dossiers, soonest deadline first (`deadline`): the first DUE_LIMIT.
    due: list[Nomination]
    due_total: int = 0  # how many are due in all

    @property
    def total(self) -> int:
        return sum(count for _state, _label, count in self.by_state)

    @property
    def due_more(self) -> int:
        """How many due items the dashboard does not list."""
        return self.due_total - len(self.due)

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
    """The branch's nominations of the current edition counted by state (one GROUP BY) and the
    first DUE_LIMIT of those due, soonest deadline first: the same few queries whatever the
    number of nominations."""
    edition = current_edition()
    if edition is None:
        return BranchDashboard(edition=None, by_state=[], due=[])
    counts = dict(
        branch_nominations(user)
        .filter(category__edition=edition)
        .order_by()
        # The state the user may see (selectors.seen_by: an unpublished national outcome reads
        # as the state before it).
        .values("shown_state")
        .annotate(n=Count("pk"))
        .values_list("shown_state", "n")
    )
    # A draft is due by the edition's nomination deadline, a returned dossier by the panel's.
    due = (
        branch_worklist(user)
        .filter(category__edition=edition, state__in=(S.DRAFT, S.RETURNED))
        .annotate(
            deadline=Case(
                When(state=S.DRAFT, then=Value(edition.nomination_deadline)),
                default=F("return_deadline"),
                output_field=DateField(),
            )
        )
        .order_by(F("deadline").asc(nulls_last=True), "candidate__name", "category__order", "pk")
    )
    return BranchDashboard(
        edition=edition,
        by_state=[(s.value, s.label, counts[s.value]) for s in NominationState if counts.get(s)],
        due=list(due[:DUE_LIMIT]),
        due_total=counts.get(S.DRAFT, 0) + counts.get(S.RETURNED, 0),
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
