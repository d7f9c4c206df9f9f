"""The Django admin opens for the secretariat only, with every model searchable."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

OUR_APPS = {"accounts", "candidates", "scoring", "ceremonies"}


def _our_models():
    return [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]


def test_every_model_of_our_apps_is_in_the_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours == set(_our_models())


def test_admin_pages_of_every_model_open_for_the_national_admin(client, demo_accounts):
    client.force_login(demo_accounts["admin@paritrana.test"])
    for model in _our_models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist, {"q": "Bekasi"})
        assert response.status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        # Records written only by services (the state history) cannot be added by hand.
        can_add = admin.site._registry[model].has_add_permission(_request(client))
        assert client.get(add).status_code == (200 if can_add else 403), add
        instance = model.objects.first()
        if instance is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            assert client.get(change).status_code == 200, change


def _request(client):
    from django.test import RequestFactory

    from accounts.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request


def test_admin_search_finds_kota_bekasi(client, demo_accounts):
    client.force_login(demo_accounts["admin@paritrana.test"])
    page = client.get("/admin/candidates/regency/", {"q": "Bekasi"}).content.decode()
    assert "32.75" in page and "32.16" in page
    assert "75.03" not in page


def test_staff_flag_without_the_role_does_not_open_the_admin(client, demo):
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get("/admin/candidates/nomination/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# A page listing nominations, rubrics or the records about them loads what each label shows
# (the candidate, the category and its edition; the rubric's stage) with the rows, instead of
# a few queries per row (paritrana.admin.ChoiceLabelsAdmin, the changelists'
# list_select_related). Before, each of these pages took 119 to 210 queries on the demo data.
@pytest.mark.parametrize(
    "url",
    [
        "/admin/candidates/governmentdata/add/",
        "/admin/candidates/businessdata/add/",
        "/admin/candidates/legalproduct/add/",
        "/admin/candidates/innovation/add/",
        "/admin/scoring/criterion/add/",
        "/admin/scoring/scoresheet/",
        "/admin/scoring/score/",
        "/admin/scoring/rankingsnapshotrow/",
    ],
)
def test_admin_page_queries_do_not_grow_with_its_rows(
    url, client, demo_accounts, django_assert_max_num_queries
):
    client.force_login(demo_accounts["admin@paritrana.test"])

    with django_assert_max_num_queries(15):
        response = client.get(url)

    assert response.status_code == 200


def test_admin_nomination_choices_keep_their_labels_and_order(client, demo_accounts):
    from candidates.models import Nomination

    client.force_login(demo_accounts["admin@paritrana.test"])
    page = client.get("/admin/candidates/legalproduct/add/").content.decode()

    labels = [str(n) for n in Nomination.objects.all()]
    positions = [page.index(f">{escape(label)}</option>") for label in labels]
    assert len(labels) == 38
    assert positions == sorted(positions)


def test_admin_lists_show_years_without_a_thousands_separator(client, demo_accounts):
    # Indonesian formats numbers as 2.021; a year is not a quantity (issue 25).
    client.force_login(demo_accounts["admin@paritrana.test"])
    editions = client.get("/admin/candidates/edition/").content.decode()
    products = client.get("/admin/candidates/legalproduct/").content.decode()
    assert [year in editions for year in ("2018", "2020", "2021")] == [True, True, True]
    assert re.findall(r"\b2\.0[12]\d\b", editions + products) == []
    assert re.search(r'<td class="field-year">20\d\d</td>', products)


@pytest.mark.parametrize(
    ("language", "code_taken", "no_scale"),
    [
        (
            "id",
            "Edisi ini sudah memiliki kategori dengan kode ini.",
            "Hanya kategori badan usaha yang memiliki skala usaha: kosongkan isian ini.",
        ),
        (
            "en",
            "This edition already has a category with this code.",
            "Only a business category has a business scale: leave it empty here.",
        ),
    ],
)
def test_admin_says_what_a_constraint_refuses_at_its_field(
    client, demo_accounts, language, code_taken, no_scale
):
    """Issue 25, item 12: each constraint's own sentence, at the field, in the admin too."""
    from django.conf import settings

    from candidates.models import Category

    client.force_login(demo_accounts["admin@paritrana.test"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    existing = Category.objects.filter(edition__year=2021).first()
    before = Category.objects.count()
    response = client.post(
        "/admin/candidates/category/add/",
        {
            "edition": existing.edition_id,
            "code": existing.code,
            "name": "Kategori uji",
            "candidate_kind": "regency_government",
            "business_scale": "large",
            "has_provincial_round": "on",
            "award_scheme": "ranked",
            "provincial_quota": "1",
            "provincial_labels": "6",
            "finalist_quota": "9",
            "national_labels": "6",
            "order": "0",
        },
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"code": [code_taken], "business_scale": [no_scale]}
    page = response.content.decode()
    assert "category_unique_code" not in page
    assert "category_scale_only_for_business" not in page
    assert Category.objects.count() == before
