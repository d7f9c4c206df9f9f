"""Serializers of the read-only public API (ceremonies.api_public). They describe what the
public views assemble from ceremonies.selectors; nothing here reads the database on its own,
and nothing is writable."""

from rest_framework import serializers

from candidates.enums import RankLabel
from scoring.enums import AwardKind

from .enums import Verification


class PublicProvinceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kemendagri code, e.g. 32 (Jawa Barat).")
    name = serializers.CharField()


class PublicCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The candidate's page is /results/candidate/{id}/.")
    name = serializers.CharField()
    region = serializers.CharField(help_text="Regency or city and province, or the province.")


class PublicOfficialSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField()


class PublicCeremonySerializer(serializers.Serializer):
    title = serializers.CharField()
    held_on = serializers.DateField()
    place = serializers.CharField(help_text="The place, or that it was held by video conference.")
    video_link = serializers.CharField(allow_blank=True)
    handed_over_by = PublicOfficialSerializer(many=True)


class PublicAwardSerializer(serializers.Serializer):
    # Plain text, not an enum: scoring's Award.kind owns the AwardKind enum of the schema.
    kind = serializers.CharField(help_text=f"One of: {', '.join(AwardKind.values)}.")
    label = serializers.ChoiceField(choices=RankLabel.choices, allow_blank=True)
    title = serializers.CharField(help_text="The rank label of a ranked award, else its title.")
    rank = serializers.IntegerField(allow_null=True, help_text="National rank (ranked awards).")
    candidate = PublicCandidateSerializer()
    illustrative = serializers.BooleanField(
        help_text=(
            "Demo data only: the articles the demo is built from do not report this result "
            "(the nominee's place or award)."
        )
    )


class PublicCategoryWinnersSerializer(serializers.Serializer):
    category = PublicCategorySerializer()
    under_review = serializers.BooleanField(
        help_text="The category's ranking was reopened after publication: no award is shown."
    )
    awards = PublicAwardSerializer(many=True)


class PublicRankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    candidate = PublicCandidateSerializer()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    label = serializers.ChoiceField(choices=RankLabel.choices, allow_blank=True)
    advanced = serializers.BooleanField(help_text="Advanced to the national round.")
    illustrative = serializers.BooleanField(
        help_text=(
            "Demo data only: the articles the demo is built from do not report this result "
            "(the nominee's place or award)."
        )
    )


class PublicProvincialCategorySerializer(serializers.Serializer):
    category = PublicCategorySerializer()
    rows = PublicRankingRowSerializer(many=True)


class PublicProvincialResultsSerializer(serializers.Serializer):
    province = PublicProvinceSerializer()
    categories = PublicProvincialCategorySerializer(many=True)


class PublicEditionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    theme = serializers.CharField(allow_blank=True)
    national_results_published = serializers.BooleanField()
    demo_data = serializers.BooleanField(
        help_text=(
            "Demo data built from news articles (seed_demo): every score, weight and total of "
            "the edition is illustrative, and so is each result marked `illustrative`."
        )
    )
    provinces = PublicProvinceSerializer(
        many=True, help_text="The provinces whose provincial results are published."
    )


class PublicEditionDetailSerializer(PublicEditionSerializer):
    ceremony = PublicCeremonySerializer(
        allow_null=True, help_text="The national ceremony (once the national results are public)."
    )
    winners = PublicCategoryWinnersSerializer(
        many=True, help_text="The national awards per category (empty before publication)."
    )
    provincial_results = PublicProvincialResultsSerializer(many=True)


class PublicCertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    verification = serializers.ChoiceField(choices=Verification.choices)
    verification_label = serializers.CharField()
    year = serializers.IntegerField(help_text="The edition.")
    province = PublicProvinceSerializer(
        allow_null=True, help_text="The province of a provincial award (null: national)."
    )
    category = serializers.CharField()
    title = serializers.CharField(help_text="The award as printed on the certificate.")
    recipient = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    ceremony = PublicCeremonySerializer()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(allow_blank=True)
    verification_path = serializers.CharField(help_text="The public verification page.")
    pdf_path = serializers.CharField(
        allow_null=True, help_text="The PDF, while the certificate is valid (else null)."
    )
