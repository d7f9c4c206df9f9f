"""Serializers of the scoring API. Reads describe what scoring.selectors return; writes only
parse input (types and which objects may be named): every check and every write is
scoring.services'. Nothing a client sends can set a rank, a total, a state, a label, a stage or a
panel: no input serializer has such a field, and each refuses (400) any field it does not take
(paritrana.api.StrictFieldsMixin) instead of silently dropping it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from candidates.enums import NominationState, RankLabel, Zone
from candidates.models import Nomination
from candidates.serializers import (
    CandidateSummarySerializer,
    CategorySummarySerializer,
    TransitionSerializer,
)
from paritrana.api import StrictFieldsMixin

from .enums import (
    Attendance,
    AwardKind,
    ConflictSource,
    CriterionKind,
    ScoresheetState,
    StageKind,
    StageState,
)
from .models import Award, Conflict, Panel, Stage

# ---------------------------------------------------------------------------------------------
# Shared pieces


class StageSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=StageKind.choices, read_only=True)
    state = serializers.ChoiceField(choices=StageState.choices, read_only=True)

    class Meta:
        model = Stage
        fields = ["kind", "order", "state", "starts_on", "ends_on"]
        read_only_fields = fields


class NominationSummarySerializer(serializers.ModelSerializer):
    """A nominee as the panel sees it in a list: who, in which category, in which state."""

    candidate = CandidateSummarySerializer(read_only=True)
    category = CategorySummarySerializer(read_only=True)
    state = serializers.ChoiceField(choices=NominationState.choices, read_only=True)

    class Meta:
        model = Nomination
        fields = ["id", "candidate", "category", "state"]
        read_only_fields = fields


# ---------------------------------------------------------------------------------------------
# Panels


class ProvinceSummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PanelMemberSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField(
        help_text="Shown to the chair, the secretariat and auditors; null for other members."
    )
    position = serializers.CharField(read_only=True)
    is_chair = serializers.BooleanField(read_only=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_name(self, member):
        return str(member.user) if self.context.get("show_names") else None


class PanelSerializer(serializers.ModelSerializer):
    edition = serializers.IntegerField(source="edition.year", read_only=True)
    province = ProvinceSummarySerializer(
        read_only=True, allow_null=True, help_text="Null for the national jury."
    )
    stages = serializers.SerializerMethodField(help_text="The edition's stages, in order.")
    members = serializers.SerializerMethodField()

    class Meta:
        model = Panel
        fields = ["id", "edition", "province", "exclude_own_region", "stages", "members"]
        read_only_fields = fields

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, panel):
        return StageSerializer(panel.edition.stages.all(), many=True).data

    @extend_schema_field(PanelMemberSerializer(many=True))
    def get_members(self, panel):
        show = self.context.get("show_names", {}).get(panel.pk, False)
        return PanelMemberSerializer(
            panel.members.all(), many=True, context={"show_names": show}
        ).data


class PanelAbilitiesSerializer(serializers.Serializer):
    """What the requesting user may do on this panel (scoring/rules.py)."""

    is_member = serializers.BooleanField()
    is_chair = serializers.BooleanField()
    verify_nominations = serializers.BooleanField()
    score = serializers.BooleanField()
    declare_conflict = serializers.BooleanField()
    view_ranking = serializers.BooleanField()
    view_conflicts = serializers.BooleanField()
    finalise_ranking = serializers.BooleanField()


class PanelDetailSerializer(PanelSerializer):
    categories = serializers.SerializerMethodField(
        help_text="Categories with verified nominees: the rankings of this panel."
    )
    you = serializers.SerializerMethodField()

    class Meta(PanelSerializer.Meta):
        fields = [*PanelSerializer.Meta.fields, "categories", "you"]
        read_only_fields = fields

    @extend_schema_field(CategorySummarySerializer(many=True))
    def get_categories(self, panel):
        return CategorySummarySerializer(self.context["categories"], many=True).data

    @extend_schema_field(PanelAbilitiesSerializer)
    def get_you(self, panel):
        return PanelAbilitiesSerializer(self.context["abilities"]).data


# ---------------------------------------------------------------------------------------------
# Verification


class Decision:
    VERIFY = "verify"
    RETURN = "return"
    INELIGIBLE = "ineligible"
    CHOICES = [
        (VERIFY, NominationState.VERIFIED.label),
        (RETURN, NominationState.RETURNED.label),
        (INELIGIBLE, NominationState.INELIGIBLE.label),
    ]


class VerificationSerializer(StrictFieldsMixin, serializers.Serializer):
    """The panel's decision on a dossier. A return needs a reason and a deadline after today;
    ineligibility needs a reason (checked by the services)."""

    nomination = serializers.PrimaryKeyRelatedField(
        queryset=Nomination.objects.none(), help_text="A nomination before this panel."
    )
    decision = serializers.ChoiceField(choices=Decision.CHOICES)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Returns only."
    )

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["nomination"].queryset = nominations


class VerificationResultSerializer(NominationSummarySerializer):
    """The nomination after the decision, with the state change just recorded."""

    transition = serializers.SerializerMethodField()

    class Meta(NominationSummarySerializer.Meta):
        fields = [*NominationSummarySerializer.Meta.fields, "transition"]
        read_only_fields = fields

    @extend_schema_field(TransitionSerializer)
    def get_transition(self, nomination):
        last = nomination.transitions.select_related("actor").order_by("-at", "-pk").first()
        return TransitionSerializer(last).data


# ---------------------------------------------------------------------------------------------
# Scoresheets


class SheetStatus:
    TODO = "todo"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    EXCLUDED = "excluded"
    CHOICES = [
        (TODO, _("To score")),
        (DRAFT, ScoresheetState.DRAFT.label),
        (SUBMITTED, ScoresheetState.SUBMITTED.label),
        (EXCLUDED, _("Excluded (conflict of interest)")),
    ]


class WorklistRowSerializer(serializers.Serializer):
    nomination = NominationSummarySerializer(read_only=True)
    status = serializers.ChoiceField(choices=SheetStatus.CHOICES, read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    excluded_because = serializers.CharField(
        read_only=True, allow_null=True, help_text="Your conflict of interest, when excluded."
    )


class CriterionSerializer(serializers.Serializer):
    """A criterion of the rubric. In a finalised ranking, as it was frozen (no id or guidance),
    with the tie-break order of the rubric's criterion of that code (scoring.frozen)."""

    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    guidance = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    tie_break_order = serializers.IntegerField(allow_null=True)


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(read_only=True, help_text="The criterion's code.")
    value = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    note = serializers.CharField(read_only=True)


class OtherScoresheetSerializer(serializers.Serializer):
    assessor = serializers.CharField(
        read_only=True,
        help_text="The assessor's name for the chair, the secretariat and auditors; "
        "'Assessor 1', 'Assessor 2'… for members.",
    )
    counts = serializers.BooleanField(
        read_only=True,
        help_text="False when the assessor is excluded from this nominee: their scores do not "
        "count.",
    )
    scores = ScoreSerializer(many=True, read_only=True)


class ScoreRevisionSerializer(serializers.Serializer):
    criterion = serializers.CharField(read_only=True, source="score.criterion.code")
    old_value = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    old_note = serializers.CharField(read_only=True)
    new_value = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    changed_at = serializers.DateTimeField(read_only=True)
    reason = serializers.CharField(read_only=True)


class ScoresheetSerializer(serializers.Serializer):
    """Your scoresheet for a nominee; other assessors' submitted scores only once you have
    submitted yours (always for the secretariat and auditors, who do not score)."""

    nomination = NominationSummarySerializer(read_only=True)
    stage = StageSerializer(read_only=True)
    status = serializers.ChoiceField(
        choices=SheetStatus.CHOICES,
        read_only=True,
        allow_null=True,
        help_text="Null for someone who is not on the panel.",
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    excluded_because = serializers.CharField(read_only=True, allow_null=True)
    criteria = CriterionSerializer(
        many=True, read_only=True, help_text="The rubric's judged (and interview) criteria."
    )
    scores = ScoreSerializer(
        many=True, read_only=True, help_text="Your scores: what you PUT back to change them."
    )
    others = OtherScoresheetSerializer(
        many=True,
        read_only=True,
        allow_null=True,
        help_text="Null while you may not see them (you have not submitted yours).",
    )
    revisions = ScoreRevisionSerializer(many=True, read_only=True)


class ScoreEntrySerializer(StrictFieldsMixin, serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's code or id.")
    value = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        allow_null=True,
        required=False,
        coerce_to_string=False,
        help_text="0–100, two decimals at most; null or left out to clear it.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScoresheetWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """The whole scoresheet: criteria left out are cleared. A submitted scoresheet stays
    submitted; changing it needs a reason, and the previous values are kept."""

    scores = ScoreEntrySerializer(many=True)
    submit = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Rankings


class RankingCellSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's code.")
    score = serializers.DecimalField(max_digits=5, decimal_places=2)
    contribution = serializers.DecimalField(max_digits=5, decimal_places=2)
    counted = serializers.IntegerField(help_text="Assessors' scores that counted.")


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(
        allow_null=True,
        help_text="Null in a live ranking for a member excluded from one of its nominees "
        "(conflict of interest): see `withheld`.",
    )
    nomination = NominationSummarySerializer()
    total = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Null when `withheld`."
    )
    tied = serializers.BooleanField(help_text="Still tied: blocks finalisation.")
    tie_broken = serializers.BooleanField(
        help_text="Same total as another nominee, separated by the tie-breakers or the chair."
    )
    tie_position = serializers.IntegerField(allow_null=True)
    tie_reason = serializers.CharField(allow_blank=True)
    label = serializers.ChoiceField(
        choices=RankLabel.choices, allow_blank=True, help_text="Finalised rankings only."
    )
    advanced = serializers.BooleanField(allow_null=True, help_text="Finalised rankings only.")
    missing_scoresheets = serializers.IntegerField()
    criteria = RankingCellSerializer(many=True)
    withheld = serializers.CharField(
        default="",
        help_text="Why you do not see this nominee's total, rank and criteria: you are excluded "
        "from it by a conflict of interest and the ranking is not finalised ('' otherwise).",
    )


class SnapshotSerializer(serializers.Serializer):
    """The finalised ranking: for the interview, the national result that froze it."""

    finalised_at = serializers.DateTimeField()
    finalised_by = serializers.CharField(allow_null=True)
    quota = serializers.IntegerField(
        allow_null=True, help_text="Null for the interview, which advances no one."
    )
    cut_off = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class ProgressSerializer(serializers.Serializer):
    nominees = serializers.IntegerField()
    scoresheets_missing = serializers.IntegerField(
        help_text="(nominee, member) pairs without a submitted scoresheet, conflicts aside."
    )


class MissingScoresheetSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    candidate = serializers.CharField()
    assessor = serializers.CharField()


class RankingSummarySerializer(serializers.Serializer):
    category = CategorySummarySerializer()
    finalised = serializers.BooleanField()
    visible = serializers.BooleanField(
        help_text="Whether you may see the totals (members: once you have scored every nominee)."
    )
    progress = ProgressSerializer()


class RankingSerializer(RankingSummarySerializer):
    """The live ranking, or the frozen snapshot once finalised. Without `visible`, only the
    progress: no rows, no totals, no ties. The interview's ranking is frozen when the national
    result is finalised: its rows are then each finalist's interview total and rank in it."""

    ranking = serializers.ChoiceField(
        choices=[("assessment", StageKind.PROVINCIAL_ASSESSMENT.label),
                 ("selection", StageKind.NATIONAL_SELECTION.label),
                 ("interview", StageKind.NATIONAL_INTERVIEW.label)],
        help_text="Which ranking: the `stage` asked for (`final` has its own shape).",
    )  # fmt: skip
    stage = StageSerializer()
    snapshot = SnapshotSerializer(allow_null=True)
    criteria = CriterionSerializer(many=True)
    rows = RankingRowSerializer(many=True)
    ties = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Groups of nomination ids still tied: the chair orders each (ties route).",
    )
    missing = MissingScoresheetSerializer(
        many=True,
        allow_null=True,
        help_text="Who has not submitted for whom: the chair, the secretariat and auditors.",
    )


class TieOrderSerializer(StrictFieldsMixin, serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Nomination.objects.none(),
        help_text="The nomination ids of one tie, best first.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["order"].child_relation.queryset = nominations


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Conflicts


class ConflictSerializer(serializers.ModelSerializer):
    nomination = NominationSummarySerializer(read_only=True)
    assessor = serializers.StringRelatedField(read_only=True)
    source = serializers.ChoiceField(choices=ConflictSource.choices, read_only=True)

    class Meta:
        model = Conflict
        fields = ["id", "nomination", "assessor", "source", "reason", "created_at"]
        read_only_fields = fields


class ConflictDeclareSerializer(StrictFieldsMixin, serializers.Serializer):
    nomination = serializers.PrimaryKeyRelatedField(
        queryset=Nomination.objects.none(), help_text="A nomination before this panel."
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["nomination"].queryset = nominations


# ---------------------------------------------------------------------------------------------
# The national result (the jury's `final` ranking)


class FinalStageCellSerializer(RankingCellSerializer):
    judged = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="Interview criteria: the jurors' score before the attendance factor.",
    )
    factor = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="Interview criteria: the attendance factor applied (null: not recorded yet).",
    )


_STAGE_KIND = "The stage's kind: `national_selection` or `national_interview`."


class FinalStageResultSerializer(serializers.Serializer):
    """A finalist's result in one national stage, as it counts in the national result."""

    stage = serializers.CharField(help_text=_STAGE_KIND)
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    rank = serializers.IntegerField(allow_null=True, help_text="The rank in that stage.")
    frozen = serializers.BooleanField(
        help_text="From the stage's finalised ranking (the selection once the finalists are "
        "chosen; the interview once the national result is finalised)."
    )
    criteria = FinalStageCellSerializer(many=True)


class FinalWeightSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text=_STAGE_KIND)
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)


class FinalRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    nomination = NominationSummarySerializer()
    total = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="Σ stage weight × stage total / Σ stage weight, two decimals half up.",
    )
    tied = serializers.BooleanField(help_text="Still tied: blocks finalisation.")
    tie_broken = serializers.BooleanField()
    tie_position = serializers.IntegerField(allow_null=True)
    tie_reason = serializers.CharField(allow_blank=True)
    label = serializers.ChoiceField(
        choices=RankLabel.choices, allow_blank=True, help_text="Finalised rankings only."
    )
    advanced = serializers.BooleanField(
        allow_null=True, help_text="Finalised rankings only: whether the finalist is awarded."
    )
    missing_scoresheets = serializers.IntegerField(help_text="Interview scoresheets missing.")
    stages = FinalStageResultSerializer(many=True)
    attendance = serializers.ChoiceField(choices=Attendance.choices, allow_blank=True)
    attendee = serializers.CharField(allow_blank=True)
    factor = serializers.DecimalField(
        max_digits=3, decimal_places=2, allow_null=True, help_text="The attendance factor."
    )


class ConfirmationSerializer(serializers.Serializer):
    juror = serializers.CharField()
    confirmed_at = serializers.DateTimeField()


class FinalSnapshotSerializer(SnapshotSerializer):
    signed_off_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last juror confirmed: the ranking is signed off."
    )
    jurors = serializers.IntegerField(help_text="Jurors who must confirm.")
    confirmed = serializers.IntegerField(help_text="Jurors who have confirmed.")
    confirmed_by_you = serializers.BooleanField()
    confirmations = ConfirmationSerializer(
        many=True,
        allow_null=True,
        help_text="Who confirmed and when: for the chair, the secretariat and auditors.",
    )


class FinalRankingSerializer(RankingSummarySerializer):
    """The national result of a category (`?stage=final`): the finalists' combined totals,
    live until the chair finalises, then the frozen snapshot waiting for the jurors'
    confirmations. Without `visible`, only the progress."""

    ranking = serializers.ChoiceField(
        choices=[("final", StageKind.NATIONAL_RESULT.label)], help_text="Always `final`."
    )
    stage = StageSerializer()
    snapshot = FinalSnapshotSerializer(allow_null=True)
    weights = FinalWeightSerializer(
        many=True, help_text="The national stages that count, with their weight."
    )
    rows = FinalRowSerializer(many=True)
    ties = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Groups of nomination ids still tied: the chair orders each (ties route).",
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Why the result cannot be computed yet."
    )
    missing = MissingScoresheetSerializer(
        many=True,
        allow_null=True,
        help_text="Interview scoresheets not submitted: the chair, the secretariat and auditors.",
    )


# ---------------------------------------------------------------------------------------------
# Interviews


class InterviewSerializer(serializers.Serializer):
    """A finalist and their interview: schedule, video link, who attended, the minutes and the
    attendance factor of the interview criterion."""

    nomination = NominationSummarySerializer()
    scheduled_at = serializers.DateTimeField(allow_null=True)
    video_link = serializers.CharField(allow_blank=True)
    attendance = serializers.ChoiceField(choices=Attendance.choices, allow_blank=True)
    attendee = serializers.CharField(allow_blank=True)
    minutes = serializers.CharField(allow_blank=True)
    factor = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        allow_null=True,
        help_text="The attendance factor of the category's interview rubric.",
    )
    updated_at = serializers.DateTimeField(allow_null=True)


class InterviewScheduleSerializer(StrictFieldsMixin, serializers.Serializer):
    """When the finalist is interviewed and the session's video link (https://)."""

    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    video_link = serializers.CharField(required=False, allow_blank=True, default="")


class InterviewRecordSerializer(StrictFieldsMixin, serializers.Serializer):
    """Who attended for the candidate (the highest official present sets the attendance
    factor), their name and position, and the minutes."""

    attendance = serializers.ChoiceField(
        choices=Attendance.choices, required=False, allow_blank=True, default=""
    )
    attendee = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Awards


class AwardSerializer(serializers.ModelSerializer):
    category = CategorySummarySerializer(read_only=True)
    nomination = NominationSummarySerializer(read_only=True)
    kind = serializers.ChoiceField(choices=AwardKind.choices, read_only=True)
    label = serializers.ChoiceField(choices=RankLabel.choices, allow_blank=True, read_only=True)
    province = ProvinceSummarySerializer(
        read_only=True, allow_null=True, help_text="Best-per-province awards."
    )
    zone = serializers.ChoiceField(
        choices=Zone.choices, allow_blank=True, read_only=True, help_text="Best-per-zone awards."
    )
    current = serializers.BooleanField(source="is_current", read_only=True)
    withdrawn_by = serializers.SerializerMethodField(
        help_text="Shown to the chair, the secretariat and auditors."
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "category",
            "kind",
            "label",
            "title",
            "rank",
            "nomination",
            "province",
            "zone",
            "reason",
            "given_at",
            "current",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_withdrawn_by(self, award):
        if not self.context.get("show_names") or award.withdrawn_by is None:
            return None
        return str(award.withdrawn_by)


class SpecialAwardSerializer(StrictFieldsMixin, serializers.Serializer):
    """A special award (predikat terbaik khusus) to a nominee of the national round."""

    nomination = serializers.PrimaryKeyRelatedField(
        queryset=Nomination.objects.none(), help_text="A nominee of the national round."
    )
    title = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["nomination"].queryset = nominations


# ---------------------------------------------------------------------------------------------
# Agreement between assessors


class SpreadSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's code.")
    n = serializers.IntegerField(help_text="Scores that count (submitted, no conflict).")
    mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    sd = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="Population standard deviation."
    )
    low = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    high = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class NomineeSpreadSerializer(SpreadSerializer):
    disagree = serializers.BooleanField(help_text="The deviation reaches the threshold.")


class AgreementCriterionSerializer(SpreadSerializer):
    """A criterion over every counted score of the category."""

    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)


class AgreementRowSerializer(serializers.Serializer):
    nomination = NominationSummarySerializer()
    flagged = serializers.BooleanField(help_text="The assessors disagree strongly somewhere.")
    spreads = NomineeSpreadSerializer(many=True)


class AgreementSerializer(serializers.Serializer):
    """How far the assessors agree in a category and stage (chairs, the secretariat and
    auditors). A chair who has not yet submitted every scoresheet of the category sees only
    `visible: false` (blindness, as for the ranking)."""

    category = CategorySummarySerializer()
    stage = StageSerializer()
    visible = serializers.BooleanField()
    threshold = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text="A nominee's criterion is flagged from this standard deviation on.",
    )
    criteria = AgreementCriterionSerializer(many=True)
    rows = AgreementRowSerializer(many=True)
    flagged = serializers.IntegerField(help_text="Nominees flagged.")
