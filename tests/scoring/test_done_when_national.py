"""Issue "Scoring II", done when: the 2020 national round is run in the browser from selection
through interviews to sign-off, the awards it produces match the seed (Kota Bekasi third among
the regencies/cities), and Kota Bekasi's decision file shows why. Every step is a page a person
uses: the jurors' scoresheets, the chair's ranking, interview and national result pages, the
secretariat's stage actions in the admin, the jurors' confirmations."""

import os
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from candidates.enums import NominationState, RankLabel
from candidates.models import Category, Nomination
from scoring.demo import NATIONAL_2020_SCORES
from scoring.enums import StageKind
from scoring.models import Award, Panel, RankingSnapshot, Stage

# The ticked box that confirms a finalisation or a juror's confirmation.
CONFIRM = {"confirm": "on"}


def _admin_moves_stage(client, admin, kind, action):
    client.force_login(admin)
    stage = Stage.objects.get(edition__year=2020, kind=kind)
    response = client.post(
        "/admin/scoring/stage/", {"action": action, "_selected_action": [stage.pk]}
    )
    assert response.status_code == 302


def _submit(client, url, criteria, value, spread, note):
    """Each criterion value ± 1 (alternating), as the demo replay does: the means are `value`."""
    data = {"action": "submit"}
    for position, code in enumerate(criteria):
        data[f"value_{code}"] = str(value + (spread if position % 2 == 0 else -spread))
        data[f"note_{code}"] = note
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_2020_national_round_in_the_browser(client, regions, settings):
    call_command("seed_demo", "--national-2020=selection", stdout=StringIO())
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.DEBUG = False
    users = {u.email: u for u in User.objects.all()}
    admin = users["admin@paritrana.test"]
    jury = Panel.objects.get(edition__year=2020, province__isnull=True)
    chair = jury.members.get(is_chair=True).user
    jurors = [m.user for m in jury.members.select_related("user").order_by("pk")]
    category = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    nominations = {
        n.candidate.name: n
        for n in Nomination.objects.filter(category=category, state=NominationState.ADVANCED)
    }
    assert set(nominations) == set(NATIONAL_2020_SCORES)
    selection_codes = list(
        jury.edition.stages.get(kind=StageKind.NATIONAL_SELECTION)
        .rubrics.get(category=category)
        .criteria.order_by("order")
        .values_list("code", flat=True)
    )
    interview_codes = list(
        jury.edition.stages.get(kind=StageKind.NATIONAL_INTERVIEW)
        .rubrics.get(category=category)
        .criteria.order_by("order")
        .values_list("code", flat=True)
    )

    # 1. Selection: every juror scores the twelve on their scoresheets.
    for index, juror in enumerate(jurors):
        client.force_login(juror)
        worklist = client.get(reverse("scoring:worklist", args=[jury.pk])).content.decode()
        assert "Pemerintah Kota Bekasi" in worklist
        for name, (value, *_rest) in NATIONAL_2020_SCORES.items():
            url = reverse("scoring:scoresheet", args=[jury.pk, nominations[name].pk])
            _submit(client, url, selection_codes, value, (index % 3) - 1, f"Seleksi {name}")

    # The chair reads the selection and finalises it: eight finalists.
    client.force_login(chair)
    page = client.get(reverse("scoring:ranking", args=[jury.pk])).content.decode()
    assert "86,00" in page  # Kota Bekasi's selection total
    response = client.post(reverse("scoring:finalise", args=[jury.pk, category.pk]), CONFIRM)
    assert response.status_code == 302
    finalists = [
        name
        for name in NATIONAL_2020_SCORES
        if Nomination.objects.get(pk=nominations[name].pk).state == NominationState.FINALIST
    ]
    assert len(finalists) == 8
    assert "Pemerintah Kabupaten Bone Bolango" in finalists
    assert "Pemerintah Kota Pekanbaru" not in finalists

    # 2. The secretariat closes the selection and opens the interviews.
    _admin_moves_stage(client, admin, StageKind.NATIONAL_SELECTION, "close_stages")
    _admin_moves_stage(client, admin, StageKind.NATIONAL_INTERVIEW, "open_stages")

    # The chair schedules each interview and records who attended.
    client.force_login(chair)
    for name in finalists:
        _selection, _interview, attendance, attendee = NATIONAL_2020_SCORES[name]
        url = reverse("scoring:interview", args=[jury.pk, nominations[name].pk])
        response = client.post(
            url,
            {
                "action": "schedule",
                "scheduled_at": "2021-06-15T09:00",
                "video_link": "https://vicon.paritrana.test/2020/wawancara",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        response = client.post(
            url,
            {"action": "record", "attendance": attendance, "attendee": attendee,
             "minutes": f"Paparan {name} dan tanya jawab dengan dewan juri."},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]

    # Every juror scores every interview on the interview scoresheet.
    for index, juror in enumerate(jurors):
        client.force_login(juror)
        for name in finalists:
            value = NATIONAL_2020_SCORES[name][1]
            url = reverse("scoring:scoresheet", args=[jury.pk, "interview", nominations[name].pk])
            _submit(client, url, interview_codes, value, (index % 3) - 1, f"Wawancara {name}")

    # 3. The secretariat closes the interviews and opens the national result.
    _admin_moves_stage(client, admin, StageKind.NATIONAL_INTERVIEW, "close_stages")
    _admin_moves_stage(client, admin, StageKind.NATIONAL_RESULT, "open_stages")

    # The chair reads the national result and finalises it; the two other jurors confirm.
    client.force_login(chair)
    page = client.get(reverse("scoring:final", args=[jury.pk])).content.decode()
    assert "86,80" in page
    response = client.post(reverse("scoring:final_finalise", args=[jury.pk, category.pk]), CONFIRM)
    assert response.status_code == 302
    for juror in jurors:
        if juror == chair:
            continue
        client.force_login(juror)
        response = client.post(
            reverse("scoring:final_confirm", args=[jury.pk, category.pk]), CONFIRM
        )
        assert response.status_code == 302
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2020, stage__kind=StageKind.NATIONAL_RESULT, category=category
    )
    assert snapshot.signed_off_at is not None

    # The awards match the seed: Kota Bekasi third; Bone Bolango sixth, among the eight.
    awards = [
        (a.nomination.candidate.name, a.label, a.rank)
        for a in Award.objects.filter(category=category).order_by("rank")
    ]
    assert awards == [
        ("Pemerintah Kota Semarang", RankLabel.PERINGKAT_1, 1),
        ("Pemerintah Kabupaten Banyuwangi", RankLabel.PERINGKAT_2, 2),
        ("Pemerintah Kota Bekasi", RankLabel.PERINGKAT_3, 3),
    ]
    bekasi = Nomination.objects.get(pk=nominations["Pemerintah Kota Bekasi"].pk)
    assert (bekasi.state, bekasi.national_label, bekasi.national_rank) == (
        NominationState.AWARDED,
        RankLabel.PERINGKAT_3,
        3,
    )
    bone = Nomination.objects.get(pk=nominations["Pemerintah Kabupaten Bone Bolango"].pk)
    assert (bone.state, bone.national_rank) == (NominationState.NOT_AWARDED, 6)

    # Kota Bekasi's decision file shows why: its selection total, its interview with the
    # mayor attending (factor 1,00), its national total and rank, and the record.
    client.force_login(users["auditor@paritrana.test"])
    page = client.get(reverse("scoring:decision", args=[jury.pk, bekasi.pk])).content.decode()
    for shown in ("86,00", "88,00", "86,80", "Peringkat III", "Rahmat Effendi", "1,00"):
        assert shown in page, shown
    pdf = client.get(reverse("scoring:decision_pdf", args=[jury.pk, bekasi.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
