"""A role's list of nominations (issue 9: long lists paginated and searchable): a page at a
time, a search by name or NPP, filters by edition and state; a value that is not valid is said
next to its field and not applied."""

import re

import pytest

from candidates import views
from candidates.models import Nomination
from tests.auth import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]


@pytest.fixture
def auditor(client, demo_accounts):
    login(client, demo_accounts["auditor@paritrana.test"])
    return client


def names(response) -> list[str]:
    return [n.candidate.name for g in response.context["groups"]
            for s in g["states"] for n in s["items"]]  # fmt: skip


def shown(response) -> str:
    found = re.search(r"<p class=\"muted\" data-shown>(.*?)</p>", response.content.decode(), re.S)
    return re.sub(r"\s+", " ", found.group(1)).strip()


def test_the_list_is_shown_a_page_at_a_time(auditor, monkeypatch):
    monkeypatch.setattr(views, "NOMINATION_PAGE_SIZE", 5)
    total = Nomination.objects.count()
    first = auditor.get("/audit/nominations/")
    assert len(names(first)) == 5
    assert shown(first) == f"Nominasi 1–5 dari {total}"
    html = first.content.decode()
    assert f'<span aria-current="page">Halaman 1 dari {-(-total // 5)}</span>' in html
    assert 'href="?page=2" rel="next"' in html
    second = auditor.get("/audit/nominations/?page=2")
    assert shown(second) == f"Nominasi 6–10 dari {total}"
    assert not set(names(first)) & set(names(second))
    # Past the end: the last page; not a number: the first.
    last = auditor.get("/audit/nominations/?page=999")
    assert last.context["page"].number == -(-total // 5)
    assert auditor.get("/audit/nominations/?page=x").context["page"].number == 1


def test_a_search_by_name_finds_the_nominations_in_any_case(auditor):
    response = auditor.get("/audit/nominations/?q=%20kota%20BEKASI%20")
    expected = sorted(
        Nomination.objects.filter(candidate__name__icontains="kota bekasi").values_list(
            "candidate__name", flat=True
        )
    )
    assert sorted(names(response)) == expected
    assert expected and set(expected) == {"Pemerintah Kota Bekasi"}
    total = Nomination.objects.count()
    assert shown(response) == (
        f"Nominasi 1–{len(expected)} dari {len(expected)} (dari {total} nominasi seluruhnya)"
    )
    assert 'value=" kota BEKASI "' in response.content.decode()  # as typed
    assert "Tampilkan semua nominasi" in response.content.decode()


def test_filters_by_edition_and_state_keep_each_other(auditor, monkeypatch):
    monkeypatch.setattr(views, "NOMINATION_PAGE_SIZE", 2)
    response = auditor.get("/audit/nominations/?edition=2018&state=advanced")
    expected = Nomination.objects.filter(category__edition__year=2018, state="advanced")
    assert response.context["page"].paginator.count == expected.count() > 2
    assert {g["edition"].year for g in response.context["groups"]} == {2018}
    assert {s["state"] for g in response.context["groups"] for s in g["states"]} == {"advanced"}
    assert 'href="?edition=2018&amp;state=advanced&amp;page=2" rel="next"' in (
        response.content.decode()
    )


def test_a_search_that_finds_nothing_says_so(auditor):
    response = auditor.get("/audit/nominations/?q=Tidak+Ada+Yang+Cocok", HTTP_ACCEPT_LANGUAGE="id")
    assert names(response) == []
    assert "Tidak ada nominasi yang cocok dengan pencarian ini." in response.content.decode()


def test_values_that_are_not_valid_are_said_by_their_fields_and_not_applied(auditor):
    response = auditor.get("/audit/nominations/?edition=abc&state=bogus&q=" + "x" * 101)
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert set(form.errors) == {"edition", "state", "q"}
    # Nothing filtered: every nomination, a page of them.
    assert response.context["page"].paginator.count == Nomination.objects.count()
    html = response.content.decode()
    assert 'aria-describedby="filter-edition-error"' in html
    assert (
        '<p class="errorlist" id="filter-edition-error">Masukkan pilihan yang valid. abc bukan '
        "salah satu dari pilihan yang tersedia.</p>"
    ) in html
    # The years as they are written, not as numbers (2.021).
    assert '<option value="2021">2021</option>' in html
    assert re.search(r'<p class="errorlist" id="filter-q-error">Pastikan nilai ini', html)


def test_the_branch_searches_only_its_own_nominations(client, demo_accounts):
    login(client, demo_accounts["cabang.gorontalo@paritrana.test"])
    response = client.get("/branch/nominations/?q=bekasi")
    assert names(response) == []
    response = client.get("/branch/nominations/?q=gorontalo")
    assert sorted(names(response)) == ["Pemerintah Kota Gorontalo", "Pemerintah Provinsi Gorontalo"]


@pytest.mark.parametrize(
    ("email", "url"),
    [
        ("auditor@paritrana.test", "/audit/nominations/"),
        ("cabang.gorontalo@paritrana.test", "/branch/nominations/"),
        ("panel.jabar@paritrana.test", "/panel/nominations/"),
    ],
)
def test_a_list_reads_a_page_of_nominations_and_counts_the_rest_in_the_database(
    client, demo_accounts, email, url
):
    """Whatever the number of nominations: the page's rows (LIMIT), their number (COUNT) and
    the editions for the filter (DISTINCT), never a row per nomination of the scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, demo_accounts[email])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url + "?state=draft")
    assert response.status_code == 200
    reads = [q["sql"] for q in captured if 'FROM "candidates_nomination"' in q["sql"]]
    assert reads
    bounded = [
        "LIMIT" in sql or "COUNT(" in sql or sql.startswith('SELECT DISTINCT "candidates_edition"')
        for sql in reads
    ]
    assert bounded == [True] * len(reads), reads
    years = response.context["filter_form"].fields["edition"].choices[1:]
    assert [year for year, _label in years] == sorted({y for y, _ in years}, reverse=True)
