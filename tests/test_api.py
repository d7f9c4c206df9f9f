import pytest
from django.conf import settings
from rest_framework.test import APIClient

from paritrana.api import DenyAll

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_default_api_permission_denies_everyone(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] == ["paritrana.api.DenyAll"]
    assert DenyAll().has_permission(request=None, view=None) is False


def test_nominations_api_refuses_the_anonymous(api, demo):
    response = api.get("/api/v1/nominations/")
    assert response.status_code == 403
    assert "results" not in response.json()


def test_nominations_api_uses_the_same_scope_as_the_pages(api, demo_accounts):
    api.force_authenticate(demo_accounts["cabang.gorontalo@paritrana.test"])
    body = api.get("/api/v1/nominations/").json()
    assert body["count"] == 4
    assert sorted(r["candidate"]["name"] for r in body["results"]) == [
        "Pemerintah Kabupaten Bone Bolango",
        "Pemerintah Kabupaten Bone Bolango",
        "Pemerintah Kota Gorontalo",
        "Pemerintah Provinsi Gorontalo",
    ]


def test_nominations_change_only_through_their_routes(api, demo_accounts):
    """No generic update or delete: a nomination changes through its figures, submit and
    withdraw routes (tests/candidates/test_api_candidates.py), and a client cannot create one by
    naming its state: the state is refused (tests/security/test_mass_assignment.py)."""
    from candidates.models import Nomination

    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(demo_accounts["admin@paritrana.test"])
    before = list(Nomination.objects.order_by("pk").values())
    created = api.post("/api/v1/nominations/", {"state": "awarded"}, format="json")
    assert (created.status_code, created.json()) == (
        400,
        {
            "candidate": ["This field is required."],
            "category": ["This field is required."],
            "state": ["This field cannot be set: state."],
        },
    )
    first = before[0]["id"]
    for method in ("put", "patch", "delete"):
        response = getattr(api, method)(
            f"/api/v1/nominations/{first}/", {"state": "awarded"}, format="json"
        )
        assert (response.status_code, response.json()) == (
            405,
            {"detail": f'Method "{method.upper()}" not allowed.'},
        )
    assert list(Nomination.objects.order_by("pk").values()) == before


def test_reference_data_is_public(api, regions):
    provinces = api.get("/api/v1/provinces/").json()
    assert len(provinces) == 38
    assert provinces[0] == {"code": "11", "name": "Aceh", "zone": "sumatera"}
    gorontalo = api.get("/api/v1/regencies/?province=75").json()
    assert gorontalo["count"] == 6
    assert {
        "code": "75.03",
        "name": "Kabupaten Bone Bolango",
        "kind": "kabupaten",
        "province": "75",
    } in gorontalo["results"]


def test_editions_api_lists_editions_without_outcomes(api, demo):
    body = api.get("/api/v1/editions/").json()
    assert [e["year"] for e in body] == [2021, 2020, 2018]
    assert "nominations" not in body[0]


def test_openapi_schema_and_docs_are_served_locally(client, regions):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/nominations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


def test_openapi_schema_documents_error_answers_and_accepted_values(client, regions):
    schema = client.get("/api/schema/?format=json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    figures = schema["paths"]["/api/v1/nominations/{id}/figures/"]["patch"]["responses"]
    assert {code: answer["content"] for code, answer in figures.items() if code != "200"} == {
        "400": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}},
        # An unknown, expired or revoked API token (accounts.authentication).
        "401": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
        "403": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
        "404": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
        "415": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
    }
    # Open to everyone, without authentication: nothing to refuse but what does not exist.
    public = paths["/api/v1/public/editions/{year}/"]["get"]
    assert sorted(public["responses"]) == ["200", "404"]
    # What the URL patterns accept: anything else is not an API route at all.
    assert public["parameters"][0]["schema"] == {"type": "integer", "minimum": 0, "maximum": 9999}
    regency = paths["/api/v1/regencies/{code}/"]["get"]["parameters"][0]["schema"]
    assert regency["pattern"] == r"^[0-9]{2}\.[0-9]{2}$"
    # An empty query parameter is no filter ("?kind="), or the first page ("?page=").
    assert {
        p["name"]: p["allowEmptyValue"] for p in paths["/api/v1/regencies/"]["get"]["parameters"]
    } == {"kind": True, "page": True, "province": True}
    # Input serializers refuse fields they do not take.
    assert components["WithdrawRequest"]["additionalProperties"] is False
    assert components["ScoreEntryRequest"]["additionalProperties"] is False
    assert components["ErrorDetail"]["required"] == ["detail"]


def test_strict_fields_read_html_form_names_of_nested_fields():
    from django.http import QueryDict
    from django.utils import translation

    from scoring.serializers import ScoresheetWriteSerializer

    form = QueryDict(
        "scores[0]criterion=commitment&scores[0]value=70&scores[0]note=Baik&submit=true"
        "&csrfmiddlewaretoken=x&state=submitted"
    )
    serializer = ScoresheetWriteSerializer(data=form)

    with translation.override("en"):
        assert serializer.is_valid() is False
    assert serializer.errors == {"state": ["This field cannot be set: state."]}
