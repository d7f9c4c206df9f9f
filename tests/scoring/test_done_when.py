"""Issue "Scoring I", done when: the Jawa Barat 2018 round is run in the browser from
verification to finalisation — nine regencies/cities scored by the panel — giving Kota Bekasi
Peringkat I, Kota Bogor II, Kota Bandung III, Kota Sukabumi Harapan I and Kota Cimahi Harapan
II, with Kota Bekasi advanced to the national stage. Every step is a page a person uses."""

import os
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from candidates.demo import published_provincial_outcome
from candidates.enums import NominationState, RankLabel
from candidates.models import Category, Nomination
from scoring.demo import _score
from scoring.enums import StageKind
from scoring.models import Panel, Stage


def _admin_moves_stage(client, admin, kind, action):
    client.force_login(admin)
    stage = Stage.objects.get(edition__year=2018, kind=kind)
    response = client.post(
        "/admin/scoring/stage/", {"action": action, "_selected_action": [stage.pk]}
    )
    assert response.status_code == 302


def test_jawa_barat_2018_round_in_the_browser(client, regions, settings):
    call_command("seed_demo", "--jabar-2018=submitted", stdout=StringIO())
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    users = {u.email: u for u in User.objects.all()}
    chair = users["ketua.panel.jabar@paritrana.test"]
    admin = users["admin@paritrana.test"]
    panel = Panel.objects.get(edition__year=2018, province="32")
    outcome = {code: specs for (code, province), specs in published_provincial_outcome(2018).items()
               if province == "32"}  # fmt: skip
    nominations = {
        spec.name: Nomination.objects.get(category__edition__year=2018, candidate__name=spec.name)
        for specs in outcome.values()
        for spec in specs
    }
    kab_kota = outcome["pemerintah-kabupaten-kota"]
    assert len(kab_kota) == 9

    # The chair verifies every dossier on the verification page.
    client.force_login(chair)
    page = client.get(reverse("scoring:verification", args=[panel.pk])).content.decode()
    assert all(name in page for name in nominations)
    for nomination in nominations.values():
        response = client.post(
            reverse("scoring:verify", args=[panel.pk, nomination.pk]),
            {"decision": "verify", "confirm": "on"},
        )
        assert response.status_code == 302
    assert {
        n.state for n in Nomination.objects.filter(pk__in=[n.pk for n in nominations.values()])
    } == {NominationState.VERIFIED}

    # The secretariat closes verification and opens the assessment in the admin.
    _admin_moves_stage(client, admin, StageKind.PROVINCIAL_VERIFICATION, "close_stages")
    _admin_moves_stage(client, admin, StageKind.PROVINCIAL_ASSESSMENT, "open_stages")

    # Every member scores every nominee they are not excluded from, on the scoresheet page.
    members = list(panel.members.select_related("user").order_by("pk"))
    for index, member in enumerate(members):
        client.force_login(member.user)
        worklist = client.get(reverse("scoring:worklist", args=[panel.pk])).content.decode()
        assert "Pemerintah Kota Cimahi" in worklist
        for specs in outcome.values():
            for rank, spec in enumerate(specs):
                nomination = nominations[spec.name]
                url = reverse("scoring:scoresheet", args=[panel.pk, nomination.pk])
                if member.user.email == "disnaker.bekasi@paritrana.test" and (
                    spec.name == "Pemerintah Kota Bekasi"
                ):
                    # Excluded automatically: their own organisation.
                    assert 'name="value_' not in client.get(url).content.decode()
                    assert client.post(url, {"action": "submit"}).status_code == 403
                    continue
                data = {"action": "submit"}
                for code in ("verifikasi_berkas", "peninjauan_lapangan"):
                    data[f"value_{code}"] = str(_score(rank, index, code))
                    data[f"note_{code}"] = f"Penilaian {code} untuk {spec.name}"
                response = client.post(url, data)
                assert response.status_code == 302, response.content.decode()[:2000]

    # The secretariat closes the assessment and opens the result stage.
    _admin_moves_stage(client, admin, StageKind.PROVINCIAL_ASSESSMENT, "close_stages")
    _admin_moves_stage(client, admin, StageKind.PROVINCIAL_RESULT, "open_stages")

    # The chair reads the ranking and finalises each category.
    client.force_login(chair)
    for code in outcome:
        category = Category.objects.get(edition__year=2018, code=code)
        ranking = client.get(
            reverse("scoring:ranking_category", args=[panel.pk, category.pk])
        ).content.decode()
        assert outcome[code][0].name in ranking
        response = client.post(
            reverse("scoring:finalise", args=[panel.pk, category.pk]), {"confirm": "on"}
        )
        assert response.status_code == 302

    result = {
        n.candidate.name: (n.provincial_label, n.state)
        for n in Nomination.objects.filter(pk__in=[n.pk for n in nominations.values()])
        .filter(category__code="pemerintah-kabupaten-kota")
        .select_related("candidate")
    }
    assert result == {
        "Pemerintah Kota Bekasi": (RankLabel.PERINGKAT_1, NominationState.ADVANCED),
        "Pemerintah Kota Bogor": (RankLabel.PERINGKAT_2, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Bandung": (RankLabel.PERINGKAT_3, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Sukabumi": (RankLabel.HARAPAN_1, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Cimahi": (RankLabel.HARAPAN_2, NominationState.NOT_ADVANCED),
        "Pemerintah Kota Depok": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kabupaten Bekasi": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kabupaten Karawang": ("", NominationState.NOT_ADVANCED),
        "Pemerintah Kota Cirebon": ("", NominationState.NOT_ADVANCED),
    }
    # The frozen ranking page shows the published outcome.
    category = Category.objects.get(edition__year=2018, code="pemerintah-kabupaten-kota")
    page = client.get(
        reverse("scoring:ranking_category", args=[panel.pk, category.pk])
    ).content.decode()
    assert "90,65" in page and "Peringkat I" in page
