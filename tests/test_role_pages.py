"""Each demo role sees exactly its own pages and navigation; everyone else is refused."""

import re

import pytest
from django.urls import reverse

from candidates import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

PAGES = {
    "home": "/",
    "public:editions": "/results/",
    "dashboard": "/dashboard/",
    "candidates:branch_worklist": "/branch/nominations/",
    "candidates:import_start": "/branch/import/",
    "candidates:panel_nominations": "/panel/nominations/",
    "candidates:jury_nominations": "/jury/nominations/",
    "candidates:audit_nominations": "/audit/nominations/",
    "candidates:secretariat": "/secretariat/",
    "scoring:panels": "/panel/",
    "ceremonies:index": "/ceremonies/",
    "admin": "/admin/",
}

ALLOWED = {
    "admin@paritrana.test": set(PAGES),
    "cabang.gorontalo@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:branch_worklist",
        "candidates:import_start",
    },
    "cabang.bekasi@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:branch_worklist",
        "candidates:import_start",
    },
    "panel.jabar@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:panel_nominations",
        "scoring:panels",
    },
    "ketua.panel.jabar@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:panel_nominations",
        "scoring:panels",
    },
    "juri@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:jury_nominations",
        "scoring:panels",
    },
    "juri.kemendagri@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:jury_nominations",
        "scoring:panels",
    },
    "ketua.juri@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:jury_nominations",
        "scoring:panels",
    },
    "auditor@paritrana.test": {
        "home",
        "public:editions",
        "dashboard",
        "candidates:audit_nominations",
        "scoring:panels",
    },
}


def test_page_paths_are_the_named_routes():
    for name, path in PAGES.items():
        assert reverse(name if name != "admin" else "admin:index") == path


def _nav(response) -> set[str]:
    return set(re.findall(r'data-nav="([^"]+)"', response.content.decode()))


@pytest.mark.parametrize("email", sorted(ALLOWED))
def test_demo_role_reaches_only_its_pages(client, demo_accounts, email):
    client.force_login(demo_accounts[email])
    for name, path in PAGES.items():
        response = client.get(path)
        if name in ALLOWED[email]:
            assert response.status_code == 200, (email, path)
        elif name == "admin":
            assert response.status_code == 302, (email, path)
            assert response["Location"] == "/admin/login/?next=/admin/"
        else:
            assert response.status_code == 403, (email, path)


@pytest.mark.parametrize("email", sorted(ALLOWED))
def test_demo_role_navigation_shows_only_its_pages(client, demo_accounts, email):
    client.force_login(demo_accounts[email])
    assert _nav(client.get("/")) == ALLOWED[email]


def test_anonymous_sees_home_only_and_is_sent_to_login(client, demo):
    assert client.get("/").status_code == 200
    assert _nav(client.get("/")) == {"home", "public:editions"}
    for name, path in PAGES.items():
        if name in ("home", "public:editions"):
            assert client.get(path).status_code == 200, path
            continue
        response = client.get(path)
        assert response.status_code == 302, path
        login = "/admin/login/" if name == "admin" else "/accounts/login/"
        assert response["Location"] == f"{login}?next={path}"


def test_user_without_role_sees_dashboard_but_no_role_page(client, demo):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "Anda belum memiliki peran" in response.content.decode()
    assert _nav(response) == {"home", "public:editions", "dashboard"}
    assert client.get("/secretariat/").status_code == 403


def _names(queryset):
    return sorted((n.category.edition.year, n.candidate.name) for n in queryset)


def test_branch_staff_sees_its_regions_of_every_edition(demo_accounts):
    user = demo_accounts["cabang.gorontalo@paritrana.test"]
    assert _names(selectors.branch_nominations(user)) == [
        (2020, "Pemerintah Kabupaten Bone Bolango"),
        (2021, "Pemerintah Kabupaten Bone Bolango"),
        (2021, "Pemerintah Kota Gorontalo"),
        (2021, "Pemerintah Provinsi Gorontalo"),
    ]


def test_panel_member_sees_only_own_province_and_editions(demo_accounts):
    user = demo_accounts["panel.jabar@paritrana.test"]
    seen = _names(selectors.panel_nominations(user))
    assert len(seen) == 23  # 2018: nine regencies/cities, six firms, one UMKM; 2020: seven
    assert (2020, "Pemerintah Kota Bekasi") in seen
    assert (2018, "Yutaka MFG Indonesia") in seen
    assert all(name != "Pemerintah Kabupaten Bone Bolango" for _, name in seen)
    assert all(year in (2018, 2020) for year, _ in seen)


def test_jury_sees_national_stage_only(demo_accounts):
    user = demo_accounts["juri@paritrana.test"]
    assert _names(selectors.jury_nominations(user)) == [
        (2020, "Pemerintah Kabupaten Badung"),
        (2020, "Pemerintah Kabupaten Banyuwangi"),
        (2020, "Pemerintah Kabupaten Bone Bolango"),
        (2020, "Pemerintah Kabupaten Sleman"),
        (2020, "Pemerintah Kota Balikpapan"),
        (2020, "Pemerintah Kota Banda Aceh"),
        (2020, "Pemerintah Kota Bekasi"),
        (2020, "Pemerintah Kota Kupang"),
        (2020, "Pemerintah Kota Makassar"),
        (2020, "Pemerintah Kota Palembang"),
        (2020, "Pemerintah Kota Pekanbaru"),
        (2020, "Pemerintah Kota Semarang"),
        (2021, "Pemerintah Kota Administrasi Jakarta Utara"),
    ]


def test_auditor_and_admin_see_everything(demo_accounts):
    assert selectors.audit_nominations(demo_accounts["auditor@paritrana.test"]).count() == 38
    admin = demo_accounts["admin@paritrana.test"]
    assert selectors.nominations_visible_to(admin).count() == 38


def test_nothing_is_visible_to_the_anonymous(demo):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.nominations_visible_to(AnonymousUser()).count() == 0


def test_branch_worklist_page_lists_its_drafts_not_other_regions(client, demo_accounts):
    client.force_login(demo_accounts["cabang.gorontalo@paritrana.test"])
    page = client.get("/branch/nominations/").content.decode()
    assert "Pemerintah Provinsi Gorontalo" in page
    assert "Pemerintah Kota Gorontalo" in page
    assert "Pemerintah Kota Bekasi" not in page
    assert "Pemerintah Kota Administrasi Jakarta Utara" not in page


def test_jury_page_shows_kota_bekasi_third(client, demo_accounts):
    client.force_login(demo_accounts["juri@paritrana.test"])
    page = client.get("/jury/nominations/").content.decode()
    assert "Pemerintah Kota Bekasi" in page
    assert "Peringkat III" in page
    assert "Pemerintah Kota Bandung" not in page


def test_role_page_query_count_does_not_grow_with_nominations(
    client, demo_accounts, django_assert_max_num_queries
):
    client.force_login(demo_accounts["auditor@paritrana.test"])
    with django_assert_max_num_queries(8):
        client.get("/audit/nominations/")


def test_login_with_demo_account_lands_on_dashboard(client, demo_accounts):
    response = client.post(
        "/accounts/login/",
        {"login": "auditor@paritrana.test", "password": "paritrana-demo-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    page = client.get("/dashboard/").content.decode()
    assert "Auditor" in page
