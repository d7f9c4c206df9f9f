"""A provincial round ready to score: edition 2030 with its stages, a Jawa Barat panel of three
assessors and a chair, one regency/city category and a rubric, nominees verified."""

from dataclasses import dataclass, field
from decimal import Decimal as D
from functools import partial

import pytest

from candidates.enums import NominationState
from candidates.models import Regency
from scoring import services
from scoring.enums import CriterionKind, Mapping, StageKind, StageState
from scoring.models import IndicatorValue, Stage
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    RegencyGovernmentFactory,
    UserFactory,
)
from tests.replay import replayed

JABAR_CITIES = ["32.71", "32.72", "32.73", "32.74", "32.75", "32.76", "32.77", "32.78", "32.79"]


@dataclass
class Round:
    edition: object
    category: object
    panel: object
    chair: object
    members: list
    stages: dict
    rubric: object = None
    nominations: list = field(default_factory=list)

    def stage(self, kind):
        return self.stages[kind]

    def open(self, *kinds):
        for kind in kinds:
            stage = Stage.objects.get(pk=self.stages[kind].pk)
            if stage.state != StageState.OPEN:
                services.stage_open(actor=None, stage=stage)

    def nominate(self, code: str, state=NominationState.VERIFIED, **indicators):
        nomination = NominationFactory(
            category=self.category,
            candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code=code)),
            state=state,
        )
        for name, value in indicators.items():
            IndicatorValue.objects.create(nomination=nomination, indicator=name, value=value)
        self.nominations.append(nomination)
        return nomination

    def score(self, assessor, nomination, *values, submit=True, notes=None, reason=""):
        criteria = [c for c in self.rubric.criteria.order_by("order") if c.is_assessed]
        return services.scoresheet_save(
            actor=assessor,
            panel=self.panel,
            nomination=nomination,
            scores={
                c.pk: services.ScoreInput(v, (notes or {}).get(c.code, f"catatan {c.code}"))
                for c, v in zip(criteria, values, strict=True)
            },
            submit=submit,
            reason=reason,
        )


def criterion(code, kind=CriterionKind.JUDGED, weight=1, indicator="", mapping=Mapping.LINEAR,
              zero_at=None, full_at=None, tie=None):  # fmt: skip
    return (code, code.title(), kind, D(weight), indicator, mapping, zero_at, full_at, tie)


def _replayed_build(name, build):
    """`build(...)` recorded once per process for each set of arguments and replayed after
    (tests/replay.py): the round's edition, stages, panel, people and rubrics are the same
    rows each time, built through the services the first time."""

    def replayed_build(*args, **kwargs):
        key = (name, repr(args), repr(sorted(kwargs.items())))
        return replayed(key, lambda: build(*args, **kwargs))

    return replayed_build


@pytest.fixture
def make_round(regions):
    @partial(_replayed_build, "make_round")
    def build(criteria=None, members=3, **rubric_options):
        edition = EditionFactory(year=2030)
        stages = {s.kind: s for s in services.stages_create_defaults(edition=edition)}
        category = CategoryFactory(edition=edition, code="kab-kota", provincial_quota=1)
        panel = services.panel_get_or_create(edition=edition, province=regions_province())
        chair = UserFactory(email="ketua@example.test", first_name="Ketua")
        services.panel_member_add(panel=panel, user=chair, is_chair=True)
        people = [chair]
        for i in range(1, members):
            person = UserFactory(email=f"anggota{i}@example.test", first_name=f"Anggota {i}")
            services.panel_member_add(panel=panel, user=person)
            people.append(person)
        round_ = Round(edition, category, panel, chair, people, stages)
        round_.rubric = services.rubric_create(
            stage=stages[StageKind.PROVINCIAL_ASSESSMENT],
            category=category,
            criteria=criteria or [criterion("judged")],
            **rubric_options,
        )
        round_.open(StageKind.PROVINCIAL_ASSESSMENT)
        return round_

    return build


def regions_province():
    from candidates.models import Province

    return Province.objects.get(code="32")


# ---------------------------------------------------------------------------------------------
# The national round


@dataclass
class NationalRound:
    """Edition 2031's national jury (a chair and two jurors), one regency/city category with a
    judged selection rubric and an interview rubric (final weights 60/40 unless given; more rubric
    fields, e.g. changed attendance factors, through `selection_options` / `interview_options`),
    and nominees advanced from their provinces."""

    edition: object
    category: object
    panel: object
    chair: object
    members: list
    stages: dict
    selection: object = None  # rubric
    interview: object = None  # rubric
    nominations: list = field(default_factory=list)

    def stage(self, kind):
        return Stage.objects.get(pk=self.stages[kind].pk)

    def open(self, *kinds):
        for kind in kinds:
            stage = self.stage(kind)
            if stage.state != StageState.OPEN:
                services.stage_open(actor=None, stage=stage)

    def nominate(self, code: str, state=NominationState.ADVANCED, category=None):
        nomination = NominationFactory(
            category=category or self.category,
            candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code=code)),
            state=state,
        )
        self.nominations.append(nomination)
        return nomination

    def score(self, kind, assessor, nomination, *values, submit=True, reason=""):
        rubric = self.selection if kind == StageKind.NATIONAL_SELECTION else self.interview
        criteria = [c for c in rubric.criteria.order_by("order") if c.is_assessed]
        return services.scoresheet_save(
            actor=assessor,
            panel=self.panel,
            nomination=nomination,
            scores={
                c.pk: services.ScoreInput(v, f"catatan {c.code}")
                for c, v in zip(criteria, values, strict=True)
            },
            submit=submit,
            reason=reason,
            stage_kind=kind,
        )

    def score_all(self, kind, nomination, *values):
        """Every juror gives the same scores."""
        for person in self.members:
            self.score(kind, person, nomination, *values)

    def select(self):
        """Finalise the selection (the chair)."""
        return services.ranking_finalise(
            actor=self.chair,
            panel=self.panel,
            category=self.category,
            stage_kind=StageKind.NATIONAL_SELECTION,
        )

    def attend(self, nomination, attendance="head", attendee="Wali Kota"):
        return services.interview_record(
            actor=self.chair,
            panel=self.panel,
            nomination=nomination,
            attendance=attendance,
            attendee=attendee,
            minutes="Paparan dan tanya jawab.",
        )

    def finalise(self):
        return services.ranking_finalise(
            actor=self.chair,
            panel=self.panel,
            category=self.category,
            stage_kind=StageKind.NATIONAL_RESULT,
        )


@pytest.fixture
def make_national(regions):
    @partial(_replayed_build, "make_national")
    def build(
        selection=None,
        interview=None,
        members=3,
        weights=(D(60), D(40)),
        finalist_quota=3,
        national_labels=3,
        selection_options=None,
        interview_options=None,
        **category_options,
    ):
        edition = EditionFactory(year=2031)
        stages = {s.kind: s for s in services.stages_create_defaults(edition=edition)}
        category = CategoryFactory(
            edition=edition,
            code="kab-kota",
            finalist_quota=finalist_quota,
            national_labels=national_labels,
            **category_options,
        )
        panel = services.panel_get_or_create(edition=edition, province=None)
        chair = UserFactory(email="ketua.juri@example.test", first_name="Ketua Juri")
        services.panel_member_add(panel=panel, user=chair, is_chair=True)
        people = [chair]
        for i in range(1, members):
            person = UserFactory(email=f"juri{i}@example.test", first_name=f"Juri {i}")
            services.panel_member_add(panel=panel, user=person)
            people.append(person)
        round_ = NationalRound(edition, category, panel, chair, people, stages)
        round_.selection = services.rubric_create(
            stage=stages[StageKind.NATIONAL_SELECTION],
            category=category,
            criteria=selection or [criterion("judged")],
            final_weight=weights[0],
            **(selection_options or {}),
        )
        round_.interview = services.rubric_create(
            stage=stages[StageKind.NATIONAL_INTERVIEW],
            category=category,
            criteria=interview or [criterion("interview", kind=CriterionKind.INTERVIEW, tie=1)],
            final_weight=weights[1],
            **(interview_options or {}),
        )
        round_.open(StageKind.NATIONAL_SELECTION)
        return round_

    return build
