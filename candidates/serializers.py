from rest_framework import serializers

from .models import Category, Edition, Nomination, Province, Regency


class RegencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Regency
        fields = ["code", "name", "kind", "province"]


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "zone"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "candidate_kind",
            "business_scale",
            "has_provincial_round",
            "award_scheme",
            "provincial_quota",
            "finalist_quota",
        ]


class EditionSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = ["year", "theme", "categories"]


class NominationSerializer(serializers.ModelSerializer):
    candidate = serializers.CharField(source="candidate.name")
    candidate_kind = serializers.CharField(source="candidate.kind")
    region = serializers.SerializerMethodField()
    edition = serializers.IntegerField(source="category.edition.year")
    category = serializers.CharField(source="category.code")

    class Meta:
        model = Nomination
        fields = [
            "id",
            "candidate",
            "candidate_kind",
            "region",
            "edition",
            "category",
            "state",
            "provincial_label",
            "national_label",
            "national_rank",
        ]
        read_only_fields = fields

    def get_region(self, nomination) -> str:
        candidate = nomination.candidate
        return candidate.regency.code if candidate.regency_id else candidate.province.code
