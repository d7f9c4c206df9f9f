"""The secretariat's ceremony pages: who may reach each page and route (everyone but the
national admin is refused and changes nothing), publishing an edition's results, the ceremony
form, and revoking a certificate."""

import re
from datetime import date
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from candidates.models import Edition, Province
from ceremonies import selectors, services
from ceremonies.models import Ceremony, Certificate, CertificateBatch, Official, Publication
from ceremonies.services import Person
from tests.factories import DEMO_EMAILS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_accounts_once", "tasks_in_process"),
]


ADMIN = "admin@paritrana.test"
OTHERS = [email for email in DEMO_EMAILS if email != ADMIN]


@pytest.fixture
def en(client):
    """Pages in English (the msgids), whatever the catalogues say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login_url(path: str) -> str:
    return f"{reverse('account_login')}?next={quote(path, safe='/')}"


def _state() -> tuple:
    """Everything the routes could write."""
    return (
        list(Publication.objects.order_by("pk").values_list("pk", "edition_id", "province_id")),
        list(
            Ceremony.objects.order_by("pk").values_list(
                "pk", "edition_id", "province_id", "title", "held_on", "place", "video_link"
            )
        ),
        list(
            Official.objects.order_by("pk").values_list(
                "ceremony_id", "name", "position", "hands_over", "signs"
            )
        ),
        list(
            Certificate.objects.order_by("pk").values_list(
                "pk", "serial", "file", "generated_at", "error", "revoked_at", "revoked_reason"
            )
        ),
        list(CertificateBatch.objects.order_by("pk").values_list("pk", "ceremony_id", "total")),
    )


def _ceremony_data(**changes) -> dict:
    data = {
        "title": "Penyerahan Penghargaan Paritrana 2021",
        "held_on": "2022-10-05",
        "place": "Istana Wakil Presiden, Jakarta",
        "video_link": "",
        "notes": "",
        "handing_over": "K.H. Ma'ruf Amin, Wakil Presiden Republik Indonesia",
        "signatories": "Muhadjir Effendy, Menko PMK\nAnggoro Eko Cahyo, Direktur Utama",
    }
    data.update(changes)
    return data


@pytest.fixture
def world(published_demo, demo_accounts):
    """The published demo with one certificate of 2020 generated (its PDF exists)."""
    ceremony = published_demo["national_2020"]
    certificate = ceremony.certificates.order_by("pk").first()
    services.certificate_generate(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return {
        **published_demo,
        "accounts": demo_accounts,
        "certificate": certificate,
        "batch": ceremony.batches.get(),
    }


def _pages(world) -> dict[str, tuple[str, str]]:
    """Every page: its address and something only the admin's page shows."""
    ceremony, batch, certificate = world["national_2020"], world["batch"], world["certificate"]
    return {
        "index": (reverse("ceremonies:index"), ceremony.title),
        "edition": (reverse("ceremonies:edition", args=[2020]), ceremony.title),
        "ceremony_create": (
            reverse("ceremonies:ceremony_create", args=[2021]),
            'name="signatories"',
        ),
        "ceremony_create_province": (
            reverse("ceremonies:ceremony_create", args=[2021]) + "?province=32",
            "Jawa Barat",
        ),
        "ceremony": (reverse("ceremonies:ceremony", args=[ceremony.pk]), certificate.serial),
        "ceremony_edit": (reverse("ceremonies:ceremony_edit", args=[ceremony.pk]), "Muhadjir"),
        "batch": (reverse("ceremonies:batch", args=[batch.pk]), certificate.serial),
        "batch_progress": (
            reverse("ceremonies:batch_progress", args=[batch.pk]),
            'id="batch-progress"',
        ),
        "batch_zip": (reverse("ceremonies:batch_zip", args=[batch.pk]), None),
        "certificate_pdf": (reverse("ceremonies:certificate_pdf", args=[certificate.pk]), None),
        "certificate_revoke": (
            reverse("ceremonies:certificate_revoke", args=[certificate.pk]),
            certificate.serial,
        ),
    }


def test_routes_are_named_and_mounted(world):
    pages = _pages(world)
    assert pages["index"][0] == "/ceremonies/"
    assert pages["edition"][0] == "/ceremonies/2020/"
    assert reverse("ceremonies:publish", args=[2020]) == "/ceremonies/2020/publish/"
    pk = world["national_2020"].pk
    assert pages["ceremony"][0] == f"/ceremonies/ceremony/{pk}/"
    assert reverse("ceremonies:certificates_issue", args=[pk]) == (
        f"/ceremonies/ceremony/{pk}/certificates/"
    )
    assert pages["batch_zip"][0] == f"/ceremonies/batch/{world['batch'].pk}/certificates.zip"
    assert set(world["accounts"]) == {ADMIN, *OTHERS}


def test_every_page_opens_for_the_admin(client, world):
    client.force_login(world["accounts"][ADMIN])
    for name, (url, marker) in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        if name == "batch_zip":
            assert response["Content-Type"] == "application/zip"
        elif name == "certificate_pdf":
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
        else:
            assert marker in response.content.decode(), name


@pytest.mark.parametrize("email", OTHERS)
def test_every_page_is_refused_to_other_roles(client, world, email):
    client.force_login(world["accounts"][email])
    for name, (url, _marker) in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 403, name
        body = b"" if response.streaming else response.content
        assert world["certificate"].serial.encode() not in body
        assert b"Muhadjir" not in body


def test_every_page_sends_anonymous_visitors_to_log_in(client, world):
    for name, (url, _marker) in _pages(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url == _login_url(url), name


def test_unknown_objects_answer_404_to_the_admin_only(client, world):
    missing = [
        reverse("ceremonies:edition", args=[2099]),
        reverse("ceremonies:ceremony", args=[999999]),
        reverse("ceremonies:batch", args=[999999]),
        reverse("ceremonies:batch_progress", args=[999999]),
        reverse("ceremonies:certificate_pdf", args=[999999]),
        reverse("ceremonies:ceremony_create", args=[2021]) + "?province=99",
    ]
    client.force_login(world["accounts"]["auditor@paritrana.test"])
    assert [client.get(url).status_code for url in missing] == [403] * len(missing)
    client.force_login(world["accounts"][ADMIN])
    assert [client.get(url).status_code for url in missing] == [404] * len(missing)


def _posts(world) -> list[tuple[str, str, dict]]:
    """Every POST route with data that the admin's request would act on."""
    ceremony, certificate = world["national_2020"], world["certificate"]
    return [
        ("publish", reverse("ceremonies:publish", args=[2020]), {"province": "", "confirm": "on"}),
        ("issue", reverse("ceremonies:certificates_issue", args=[ceremony.pk]), {}),
        ("create", reverse("ceremonies:ceremony_create", args=[2021]), _ceremony_data()),
        (
            "edit",
            reverse("ceremonies:ceremony_edit", args=[ceremony.pk]),
            _ceremony_data(title="Judul baru"),
        ),
        (
            "revoke",
            reverse("ceremonies:certificate_revoke", args=[certificate.pk]),
            {"reason": "Salah cetak"},
        ),
        (
            "rerender",
            reverse("ceremonies:certificates_rerender", args=[ceremony.pk]),
            {"confirm": "on"},
        ),
    ]


@pytest.fixture
def unpublished_2020(world):
    # The 2020 national results as before publication, so that publishing them would work.
    Publication.objects.filter(edition__year=2020, province__isnull=True).delete()
    return world


@pytest.mark.parametrize("email", OTHERS)
def test_post_routes_are_refused_to_other_roles_and_change_nothing(client, unpublished_2020, email):
    world = unpublished_2020
    client.force_login(world["accounts"][email])
    before = _state()
    for name, url, data in _posts(world):
        assert client.post(url, data).status_code == 403, name
    assert _state() == before


def test_post_routes_send_anonymous_visitors_to_log_in_and_change_nothing(client, unpublished_2020):
    before = _state()
    for name, url, data in _posts(unpublished_2020):
        response = client.post(url, data)
        assert response.status_code == 302, name
        assert response.url == _login_url(url), name
    assert _state() == before


def test_post_routes_act_for_the_admin(client, unpublished_2020):
    world = unpublished_2020
    admin = world["accounts"][ADMIN]
    client.force_login(admin)
    batches = CertificateBatch.objects.count()
    statuses = {name: client.post(url, data).status_code for name, url, data in _posts(world)}
    assert statuses == dict.fromkeys(
        ["publish", "issue", "create", "edit", "revoke", "rerender"], 302
    )
    assert Publication.objects.get(edition__year=2020, province__isnull=True).published_by == admin
    assert CertificateBatch.objects.count() == batches + 2  # generated, then rendered again
    assert CertificateBatch.objects.latest("pk").total == 2  # not the revoked certificate
    assert Ceremony.objects.filter(edition__year=2021, province__isnull=True).count() == 1
    assert Ceremony.objects.get(pk=world["national_2020"].pk).title == "Judul baru"
    assert Certificate.objects.get(pk=world["certificate"].pk).revoked_reason == "Salah cetak"


def test_post_only_routes_redirect_a_get_to_their_page(client, world):
    client.force_login(world["accounts"][ADMIN])
    ceremony = world["national_2020"]
    before = _state()
    response = client.get(reverse("ceremonies:publish", args=[2020]))
    assert (response.status_code, response.url) == (302, "/ceremonies/2020/")
    for name in ("certificates_issue", "certificates_rerender"):
        response = client.get(reverse(f"ceremonies:{name}", args=[ceremony.pk]))
        assert (response.status_code, response.url) == (
            302,
            f"/ceremonies/ceremony/{ceremony.pk}/",
        )
    assert _state() == before


# ---------------------------------------------------------------------------------------------
# Index and edition pages


def test_index_lists_every_edition_with_its_publications_and_ceremonies(en, world):
    en.force_login(world["accounts"][ADMIN])
    page = en.get(reverse("ceremonies:index")).content.decode()
    for year in (2021, 2020, 2018):
        assert f'data-edition="{year}"' in page
    assert 'data-published="national"' in page  # 2020
    assert 'data-published="32"' in page  # Jawa Barat 2018
    assert page.count('data-published="') == 2
    assert world["jabar_2018"].title in page and world["national_2020"].title in page


def test_edition_page_shows_what_is_missing_before_publishing(en, world):
    en.force_login(world["accounts"][ADMIN])
    edition = world["2021"]
    with translation.override("en"):  # as the page is asked for
        problems = selectors.publication_readiness(edition, None).problems
    assert problems
    page = en.get(reverse("ceremonies:edition", args=[2021])).content.decode()
    for problem in problems:
        assert escape(problem) in page
    assert 'data-readiness="not-ready"' in page
    # Not ready: no publish button for the national results.
    assert "Publish the national results" not in page
    assert "Create the national ceremony" in page


def test_edition_page_lists_each_provincial_panel_with_its_readiness(en, world):
    en.force_login(world["accounts"][ADMIN])
    page = en.get(reverse("ceremonies:edition", args=[2020])).content.decode()
    assert 'data-scope="national"' in page and 'data-scope="32"' in page
    jabar = Province.objects.get(code="32")
    for problem in selectors.publication_readiness(world["2020"], jabar).problems:
        assert escape(problem) in page
    assert "Create the ceremony of Jawa Barat" in page
    assert "/ceremonies/2020/ceremonies/new/?province=32" in page


def test_publishing_results_that_are_not_ready_is_refused_with_the_problems(en, world):
    en.force_login(world["accounts"][ADMIN])
    before = _state()
    response = en.post(
        reverse("ceremonies:publish", args=[2021]), {"province": "", "confirm": "on"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    for problem in selectors.publication_readiness(world["2021"], None).problems:
        assert escape(problem) in page
    assert _state() == before
    assert not Publication.objects.filter(edition__year=2021).exists()


def test_publish_the_2020_national_results(en, demo, demo_accounts):
    admin = demo_accounts[ADMIN]
    en.force_login(admin)
    url = reverse("ceremonies:edition", args=[2020])
    page = en.get(url).content.decode()
    assert "Publish the national results" in page

    # Without the confirmation: an error at the box, nothing published.
    response = en.post(reverse("ceremonies:publish", args=[2020]), {"province": ""})
    assert response.status_code == 400
    assert response.context["scopes"][0]["form"].errors == {
        "confirm": ["Tick the box to confirm the publication."]
    }
    assert "Tick the box to confirm the publication." in response.content.decode()
    assert not Publication.objects.exists()

    response = en.post(
        reverse("ceremonies:publish", args=[2020]), {"province": "", "confirm": "on"}
    )
    assert (response.status_code, response.url) == (302, url)
    publication = Publication.objects.get()
    assert (publication.edition.year, publication.province, publication.published_by) == (
        2020,
        None,
        admin,
    )
    page = en.get(url).content.decode()
    assert "The national results of 2020 are published." in page
    assert "Publish the national results" not in page

    # Again: refused, still one publication.
    response = en.post(
        reverse("ceremonies:publish", args=[2020]), {"province": "", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "These results are already published." in response.content.decode()
    assert Publication.objects.count() == 1


def test_publish_the_provincial_results_of_jawa_barat_2018(en, demo, demo_accounts):
    en.force_login(demo_accounts[ADMIN])
    response = en.post(
        reverse("ceremonies:publish", args=[2018]), {"province": "32", "confirm": "on"}
    )
    assert (response.status_code, response.url) == (302, "/ceremonies/2018/")
    assert list(Publication.objects.values_list("edition__year", "province_id")) == [(2018, "32")]


def test_publishing_for_an_unknown_province_is_refused(en, demo, demo_accounts):
    en.force_login(demo_accounts[ADMIN])
    response = en.post(
        reverse("ceremonies:publish", args=[2018]), {"province": "99", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "Unknown province." in response.content.decode()
    assert not Publication.objects.exists()


# ---------------------------------------------------------------------------------------------
# The ceremony form


def test_create_the_2021_national_ceremony(en, world):
    en.force_login(world["accounts"][ADMIN])
    url = reverse("ceremonies:ceremony_create", args=[2021])
    data = _ceremony_data(
        signatories="Muhadjir Effendy, Menko PMK\n\n  Budi Santoso, S.H., M.H., Direktur Utama  "
    )
    response = en.post(url, data)
    ceremony = Ceremony.objects.get(edition__year=2021, province__isnull=True)
    assert (response.status_code, response.url) == (
        302,
        reverse("ceremonies:ceremony", args=[ceremony.pk]),
    )
    assert (ceremony.title, ceremony.held_on, ceremony.place) == (
        "Penyerahan Penghargaan Paritrana 2021",
        date(2022, 10, 5),
        "Istana Wakil Presiden, Jakarta",
    )
    assert list(ceremony.officials.values_list("name", "position", "hands_over", "signs")) == [
        ("K.H. Ma'ruf Amin", "Wakil Presiden Republik Indonesia", True, False),
        ("Muhadjir Effendy", "Menko PMK", False, True),
        ("Budi Santoso, S.H., M.H.", "Direktur Utama", False, True),
    ]
    page = en.get(response.url).content.decode()
    assert "The ceremony is saved." in page
    assert "Budi Santoso, S.H., M.H., Direktur Utama" in page

    # Asking to create it again opens the existing one.
    response = en.get(url)
    assert (response.status_code, response.url) == (
        302,
        reverse("ceremonies:ceremony_edit", args=[ceremony.pk]),
    )


def test_create_a_provincial_ceremony(en, world):
    en.force_login(world["accounts"][ADMIN])
    url = reverse("ceremonies:ceremony_create", args=[2020]) + "?province=32"
    response = en.post(url, _ceremony_data(title="Penyerahan Jawa Barat 2020", place="Bandung"))
    assert response.status_code == 302
    ceremony = Ceremony.objects.get(edition__year=2020, province="32")
    assert ceremony.title == "Penyerahan Jawa Barat 2020"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"place": "", "video_link": ""},
            "place",
            "Give the place or the video link of the ceremony.",
        ),
        (
            {"signatories": "Muhadjir Effendy, Menko PMK\nAnggoro Eko Cahyo"},
            "signatories",
            "Line 2 (“Anggoro Eko Cahyo”): write the name, a comma, then the position.",
        ),
        (
            {"handing_over": "Wakil Presiden"},
            "handing_over",
            "Line 1 (“Wakil Presiden”): write the name, a comma, then the position.",
        ),
        (
            {"signatories": "A, Satu\nB, Dua\nC, Tiga\nD, Empat"},
            "signatories",
            "A certificate has room for 3 signatories.",
        ),
        (
            {"place": "", "video_link": "http://vicon.example.test/room"},
            "video_link",
            "The video link must start with https://.",
        ),
        ({"signatories": ""}, "signatories", "Name at least one signatory of the certificates."),
        ({"held_on": "kemarin"}, "held_on", "Enter a valid date."),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_ceremony_form_errors_go_to_their_field_and_nothing_is_saved(
    en, world, changes, field, message
):
    en.force_login(world["accounts"][ADMIN])
    before = _state()
    response = en.post(
        reverse("ceremonies:ceremony_create", args=[2021]), _ceremony_data(**changes)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    # Said once, at the field: not again at the top by the database's constraint (issue 25).
    assert form.non_field_errors() == []
    assert response.content.decode().count(escape(message)) == 1
    assert _state() == before


def test_editing_a_ceremony_shows_its_officials_and_replaces_them(en, world):
    en.force_login(world["accounts"][ADMIN])
    ceremony = world["national_2020"]
    url = reverse("ceremonies:ceremony_edit", args=[ceremony.pk])
    form = en.get(url).context["form"]
    assert form.initial["handing_over"] == "K.H. Ma'ruf Amin, Wakil Presiden Republik Indonesia"
    assert form.initial["signatories"] == (
        "Muhadjir Effendy, Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan\n"
        "Anggoro Eko Cahyo, Direktur Utama BPJS Ketenagakerjaan"
    )
    response = en.post(
        url,
        _ceremony_data(
            title=ceremony.title,
            place="",
            video_link="https://vicon.example.test/paritrana",
            signatories="Anggoro Eko Cahyo, Direktur Utama BPJS Ketenagakerjaan",
        ),
    )
    assert response.status_code == 302
    ceremony.refresh_from_db()
    assert (ceremony.place, ceremony.video_link) == ("", "https://vicon.example.test/paritrana")
    assert list(ceremony.officials.filter(signs=True).values_list("name", flat=True)) == [
        "Anggoro Eko Cahyo"
    ]


def test_a_refused_edit_keeps_the_ceremony_as_it_was(en, world):
    en.force_login(world["accounts"][ADMIN])
    ceremony = world["national_2020"]
    before = _state()
    response = en.post(
        reverse("ceremonies:ceremony_edit", args=[ceremony.pk]),
        _ceremony_data(signatories="A, Satu\nB, Dua\nC, Tiga\nD, Empat", title="Lain"),
    )
    assert response.status_code == 400
    assert _state() == before


def test_a_hostile_title_is_shown_escaped(en, world):
    en.force_login(world["accounts"][ADMIN])
    ceremony = world["national_2020"]
    officials = list(ceremony.officials.all())
    services.ceremony_save(
        actor=None,
        edition=ceremony.edition,
        ceremony=ceremony,
        title='<script>alert("x")</script>',
        held_on=ceremony.held_on,
        place=ceremony.place,
        handing_over=[Person(o.name, o.position) for o in officials if o.hands_over],
        signatories=[Person(o.name, o.position) for o in officials if o.signs],
    )
    for url in (
        reverse("ceremonies:ceremony", args=[ceremony.pk]),
        reverse("ceremonies:edition", args=[2020]),
        reverse("ceremonies:index"),
    ):
        page = en.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


# ---------------------------------------------------------------------------------------------
# Revoking a certificate


def test_revoke_a_certificate(en, world):
    en.force_login(world["accounts"][ADMIN])
    certificate = world["certificate"]
    ceremony_url = reverse("ceremonies:ceremony", args=[world["national_2020"].pk])
    url = reverse("ceremonies:certificate_revoke", args=[certificate.pk])
    page = en.get(url).content.decode()
    assert certificate.serial in page and 'name="reason"' in page

    # No reason: an error at the field, nothing changes.
    before = _state()
    response = en.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [
        "Give the reason for revoking the certificate."
    ]
    assert _state() == before

    response = en.post(url, {"reason": "Nama penerima salah ditulis"})
    assert (response.status_code, response.url) == (302, ceremony_url)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Nama penerima salah ditulis"
    assert certificate.revoked_by == world["accounts"][ADMIN]
    page = en.get(ceremony_url).content.decode()
    assert f"Certificate {certificate.serial} is revoked." in page
    assert f'data-certificate="{certificate.serial}" data-state="revoked"' in page
    assert url not in page  # no revoke link any more

    # The admin still downloads it; revoking again is refused.
    response = en.get(reverse("ceremonies:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    revoked = _state()
    response = en.post(url, {"reason": "Lagi"})
    assert response.status_code == 400
    assert "This certificate is already revoked." in response.content.decode()
    assert _state() == revoked


@pytest.mark.parametrize("language", ["id", "en"])
def test_ceremony_page_names_the_awards_in_the_readers_language(client, world, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world["accounts"][ADMIN])
    ceremony = world["national_2020"]
    page = client.get(reverse("ceremonies:ceremony", args=[ceremony.pk])).content.decode()
    presented = page.split('class="presented"')[1].split("</table>")[0]
    certificates = page.split('class="certificates"')[1].split("</table>")[0]
    places = {
        "id": ["Peringkat I", "Peringkat II", "Peringkat III"],
        "en": ["1st place", "2nd place", "3rd place"],
    }[language]
    assert re.findall(r"<td>((?:Peringkat|\d\w\w place)[^<]*)</td>", presented) == places
    shown = re.findall(r"<td>((?:Peringkat|\d\w\w place)[^<]*)<br>", certificates)
    assert sorted(shown) == places
    # The certificates print it in Bahasa Indonesia whatever the page's language.
    assert sorted(ceremony.certificates.values_list("title", flat=True)) == (
        ["Peringkat I", "Peringkat II", "Peringkat III"]
    )


def test_a_certificate_not_generated_yet_has_no_pdf(en, world):
    en.force_login(world["accounts"][ADMIN])
    waiting = world["national_2020"].certificates.exclude(pk=world["certificate"].pk).first()
    assert not waiting.file
    response = en.get(reverse("ceremonies:certificate_pdf", args=[waiting.pk]))
    assert response.status_code == 404


def test_edition_without_any_data_is_listed(en, world):
    Edition.objects.create(year=2030)
    en.force_login(world["accounts"][ADMIN])
    page = en.get(reverse("ceremonies:index")).content.decode()
    assert 'data-edition="2030"' in page
    page = en.get(reverse("ceremonies:edition", args=[2030])).content.decode()
    assert (
        escape(selectors.publication_readiness(Edition.objects.get(year=2030), None).problems[0])
        in page
    )
