"""The Jawa Barat 2018 provincial panel's round in a real browser, from the demo data left at
the submitted dossiers (scoring.demo.seed_scoring(jabar_2018="submitted"), `make run
JABAR_2018=submitted`):

1. a member verifies the submitted dossiers and returns Kota Bekasi's for correction (a reason
   and a deadline; the empty form first, whose errors must sit at its fields);
2. the Bekasi Kota branch finds it returned with the reason, completes the figures and
   resubmits it; another member verifies it;
3. the secretariat closes verification and opens the assessment in the Django admin;
4. the members score: one member fills Kota Bekasi's scoresheet in the browser (a draft, a
   refused submission, then the submission) and the chair Martabak Air Mancur's in English,
   the other 77 sheets go through the scoring service; the member from Kota Bekasi's own
   Disnaker is excluded from Kota Bekasi;
5. the secretariat closes the assessment and opens the provincial result;
6. the chair reviews the live ranking and finalises the three categories: the published outcome
   (Kota Bekasi Peringkat I and advanced; ANTARA, January 2019); the secretariat finalises the
   stages.

Every key page (verification, scoring worklist, scoresheet, ranking, finalised result) is also
shot in English."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from accounts.models import User
from candidates.demo import published_provincial_outcome
from candidates.enums import NominationState, RankLabel
from candidates.models import Nomination, NominationTransition
from scoring import services
from scoring.enums import ScoresheetState, StageKind, StageState
from scoring.models import Conflict, Panel, RankingSnapshot, Rubric, Scoresheet, Stage
from tests import demo_data

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = "@paritrana.test"
CHAIR = f"ketua.panel.jabar{DOMAIN}"
MEMBER = f"panel.jabar{DOMAIN}"  # verifies the dossiers and scores Kota Bekasi in the browser
SECRETARY = f"sekretaris.panel.jabar{DOMAIN}"  # verifies the resubmitted dossier
APINDO = f"apindo.panel.jabar{DOMAIN}"
BEKASI_OFFICIAL = f"disnaker.bekasi{DOMAIN}"  # excluded from Kota Bekasi
BRANCH = f"cabang.bekasi{DOMAIN}"
SECRETARIAT = f"admin{DOMAIN}"

BEKASI = "Pemerintah Kota Bekasi"
MARTABAK = "Martabak Air Mancur"  # the small and micro firms' only nominee
# The scoresheets filled in the browser; every other one goes through the scoring service.
BROWSER_SHEETS = {(MEMBER, BEKASI), (CHAIR, MARTABAK)}
KAB_KOTA = "pemerintah-kabupaten-kota"
RETURN_REASON = (
    "Data statistik ketenagakerjaan (BPS) dan kepesertaan BPJS Ketenagakerjaan belum diisi; "
    "lengkapi semua angka lalu ajukan ulang."
)
# What the branch fills in on the returned dossier (head of region and covered non-ASN staff
# are in the demo's dossier already).
BEKASI_FIGURES = {
    "Petugas penghubung": "Ika Indah Yarti",
    "Penduduk usia kerja": "2100000",
    "Angkatan kerja": "1400000",
    "Pekerja formal": "880000",
    "Pekerja informal": "450000",
    "Peserta aktif Penerima Upah (PU)": "820000",
    "Peserta aktif Bukan Penerima Upah (BPU)": "48000",
    "Pekerja rentan yang iurannya dibayar APBD (BPU)": "30000",
    "Pegawai non-ASN": "12500",
    "Pemberi kerja terdaftar": "9100",
    "Anggaran APBD untuk iuran (Rupiah)": "12000000000",
}
CRITERIA = {"verifikasi_berkas": "Verifikasi berkas", "peninjauan_lapangan": "Peninjauan lapangan"}
NOTES = {
    "verifikasi_berkas": "Berkas lengkap setelah perbaikan; data kepesertaan konsisten.",
    "peninjauan_lapangan": "Peninjauan lapangan mengonfirmasi pelaksanaan program.",
}
# The live and finalised ranking of the regency/city category (totals as scoring.demo's replay
# gives them: tests/scoring/test_demo_replay.py).
KAB_KOTA_RANKING = [
    (1, "Pemerintah Kota Bekasi", Decimal("90.65"), RankLabel.PERINGKAT_1),
    (2, "Pemerintah Kota Bogor", Decimal("86.64"), RankLabel.PERINGKAT_2),
    (3, "Pemerintah Kota Bandung", Decimal("82.64"), RankLabel.PERINGKAT_3),
    (4, "Pemerintah Kota Sukabumi", Decimal("78.64"), RankLabel.HARAPAN_1),
    (5, "Pemerintah Kota Cimahi", Decimal("74.64"), RankLabel.HARAPAN_2),
    (6, "Pemerintah Kota Depok", Decimal("70.64"), ""),
    (7, "Pemerintah Kabupaten Bekasi", Decimal("66.64"), ""),
    (8, "Pemerintah Kabupaten Karawang", Decimal("62.64"), ""),
    (9, "Pemerintah Kota Cirebon", Decimal("58.64"), ""),
]
RANKS = [str(rank) for rank, *_ in KAB_KOTA_RANKING]
NAMES = [name for _rank, name, *_ in KAB_KOTA_RANKING]
TOTALS_ID = [f"{total}".replace(".", ",") for *_, total, _label in KAB_KOTA_RANKING]
TOTALS_EN = [f"{total}" for *_, total, _label in KAB_KOTA_RANKING]
# The boxes that confirm a verification and a finalisation (their labels say what follows).
CONFIRM_VERIFICATION = re.compile(r"^Saya mengonfirmasi: berkas ini diverifikasi\.")
CONFIRM_FINALISATION = re.compile(r"^Saya mengonfirmasi: finalkan peringkat ")
# The labels as SPEC §1's glossary names them in each language.
LABELS = ["Peringkat I", "Peringkat II", "Peringkat III", "Harapan I", "Harapan II", "", "", "", ""]
LABELS_EN = [
    "1st place",
    "2nd place",
    "3rd place",
    "Honourable mention I",
    "Honourable mention II",
    *[""] * 4,
]


def demo_score(rank: int, member_index: int, code: str) -> Decimal:
    """The demo replay's illustrative scores (scoring.demo._score), so that the round ends as
    published: 4 points between neighbours in the published order, each member a little
    severer or more lenient (−1, 0, +1)."""
    spread = (member_index % 3) - 1
    base = 90 - 4 * rank
    return Decimal(base + spread if code == "verifikasi_berkas" else base - spread + 1)


@pytest.fixture
def jabar_2018(regions):
    """The demo data with the Jawa Barat 2018 round left at the submitted dossiers, and the
    demo accounts (their panel seats included)."""
    demo_data.seed_demo(jabar_2018="submitted")
    demo_data.create_demo_accounts()
    panel = Panel.objects.select_related("edition", "province").get(
        edition__year=2018, province__code="32"
    )
    return {
        "panel": panel,
        "users": {u.email: u for u in User.objects.all()},
        "nominations": {
            n.candidate.name: n
            for n in Nomination.objects.filter(category__edition__year=2018).select_related(
                "candidate", "category"
            )
        },
    }


def message(page):
    return page.locator("ul.messages li.message")


def panel_nav(page):
    """The panel's sub-navigation (Ikhtisar, Verifikasi, Penilaian saya, Peringkat, …)."""
    return page.get_by_role("navigation", name="Halaman tim penilai")


def panel_url(live_server, panel, path=""):
    return f"{live_server.url}/panel/{panel.pk}/{path}"


# The provincial stages as the Django admin names them, and its stage actions: (the action's
# label, the verb of its message, the state the stages are left in).
VERIFICATION = "Verifikasi provinsi"
ASSESSMENT = "Penilaian provinsi"
RESULT = "Hasil provinsi"
STAGE_ACTIONS = {
    "open": ("Buka tahap yang dipilih", "dibuka", "Dibuka"),
    "close": ("Tutup tahap yang dipilih", "ditutup", "Ditutup"),
    "finalise": ("Finalkan tahap yang dipilih", "difinalkan", "Difinalkan"),
}


def move_stages(page, live_server, edition_id, action: str, *stages: str):
    """The secretariat moves 2018 stages in the Django admin (the only place stages move):
    tick them in the edition's list, choose the action, run it."""
    label, verb, state = STAGE_ACTIONS[action]
    page.goto(f"{live_server.url}/admin/scoring/stage/?edition__id__exact={edition_id}")
    for stage in stages:
        page.get_by_role(
            "checkbox", name=f"Pilih objek ini untuk suatu aksi - {stage} (2018)"
        ).check()
    page.get_by_label("Aksi:").select_option(label=label)
    page.get_by_role("button", name="Buka").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(f"{len(stages)} tahap {verb}.")
    for stage in stages:
        expect(page.get_by_role("row").filter(has_text=stage)).to_contain_text(state)


def test_provincial_panel_verifies_scores_and_finalises(live_server, open_as, steps, jabar_2018):
    panel = jabar_2018["panel"]
    users = jabar_2018["users"]
    nominations = jabar_2018["nominations"]
    edition_id = panel.edition_id
    bekasi = nominations[BEKASI]
    jabar = [n for n in nominations.values() if n.state == NominationState.SUBMITTED]
    assert len(jabar) == 16  # nine regencies/cities, six large and medium firms, one small
    panel_name = "Tim penilai provinsi Jawa Barat 2018"

    # ---------------------------------------------------------------------------------------
    # 1. A member verifies the dossiers; Kota Bekasi's is returned for correction.
    member = open_as(users[MEMBER])
    member.goto(f"{live_server.url}/panel/")
    member.get_by_role("link", name=panel_name).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(panel_name)
    steps.shot(member, "panel-overview-id")
    panel_nav(member).get_by_role("link", name="Verifikasi").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Verifikasi berkas")
    expect(member.get_by_role("heading", name="Menunggu verifikasi")).to_have_text(
        "Menunggu verifikasi (16)"
    )
    expect(member.get_by_role("article")).to_have_count(16)
    steps.shot(member, "verification-id")
    english = open_as(users[MEMBER], language="en")
    english.goto(member.url)
    expect(english.get_by_role("heading", level=1)).to_have_text("Verification of dossiers")
    expect(english.get_by_role("heading", name="Waiting for verification")).to_have_text(
        "Waiting for verification (16)"
    )
    steps.shot(english, "verification-en")

    # Returning without a reason or a deadline: refused, each message at its field, both at
    # once; the top of the page says nothing was saved.
    def return_form():
        dossier = member.get_by_role("article", name=BEKASI)
        return dossier.locator("details").filter(has_text="Kembalikan untuk perbaikan")

    member.get_by_role("article", name=BEKASI).get_by_text("Kembalikan untuk perbaikan").click()
    return_form().get_by_role("button", name="Kembalikan ke kantor cabang").click()
    expect(member.locator("#form-refused")).to_contain_text("Tidak ada yang disimpan.")
    expect(return_form()).to_have_attribute("open", "")
    reason = return_form().get_by_label("Alasan")
    deadline_field = return_form().get_by_label("Perbaiki dan ajukan ulang paling lambat")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(
        "Ditampilkan kepada kantor cabang bersama berkas. Berikan alasan."
    )
    expect(deadline_field).to_have_attribute("aria-invalid", "true")
    expect(deadline_field).to_have_accessible_description("Berikan tenggat setelah hari ini.")
    # The browser has moved to the first field to correct.
    expect(reason).to_be_focused()
    steps.shot(member, "return-refused-id")
    reason.fill(RETURN_REASON)
    deadline = timezone.localdate() + timedelta(days=14)
    deadline_field.fill(deadline.isoformat())
    return_form().get_by_role("button", name="Kembalikan ke kantor cabang").click()
    expect(message(member)).to_have_text(
        f"{BEKASI} sudah dikembalikan ke kantor cabang untuk perbaikan."
    )
    expect(member.get_by_role("article")).to_have_count(15)

    # The other fifteen are verified, one after the other.
    for remaining in range(15, 0, -1):
        dossier = member.get_by_role("article").first
        name = dossier.get_by_role("heading", level=3).inner_text()
        # Verifying asks first (the box says what follows); each button names its dossier for
        # a screen reader.
        dossier.get_by_role("checkbox", name=CONFIRM_VERIFICATION).check()
        dossier.get_by_role("button", name=f"Verifikasi — {name}", exact=True).click()
        expect(message(member)).to_have_text(f"{name} sudah diverifikasi.")
        expect(member.get_by_role("article")).to_have_count(remaining - 1)
    expect(member.get_by_text("Tidak ada berkas yang menunggu verifikasi.")).to_be_visible()
    decisions = member.get_by_role("region", name="Keputusan terbaru").get_by_role("row")
    expect(decisions).to_have_count(17)  # a header and sixteen decisions
    returned_row = decisions.filter(has_text=BEKASI)
    expect(returned_row).to_contain_text("Dikembalikan untuk perbaikan")
    expect(returned_row).to_contain_text(RETURN_REASON)
    steps.shot(member, "verification-done-id")
    bekasi.refresh_from_db()
    assert bekasi.state == NominationState.RETURNED
    returned_by = NominationTransition.objects.get(
        nomination=bekasi, to_state=NominationState.RETURNED
    )
    assert (returned_by.actor.email, returned_by.reason, returned_by.deadline) == (
        MEMBER,
        RETURN_REASON,
        deadline,
    )
    verified = Nomination.objects.filter(
        category__edition__year=2018, state=NominationState.VERIFIED
    )
    assert verified.count() == 15
    assert set(
        NominationTransition.objects.filter(
            nomination__in=verified, to_state=NominationState.VERIFIED
        ).values_list("actor__email", flat=True)
    ) == {MEMBER}

    # ---------------------------------------------------------------------------------------
    # 2. The branch finds the dossier returned, completes it and resubmits it.
    branch = open_as(users[BRANCH])
    branch.goto(f"{live_server.url}/branch/nominations/")
    expect(branch.get_by_role("heading", level=1)).to_have_text("Nominasi cabang")
    returned = branch.get_by_role("heading", name="Dikembalikan untuk perbaikan (1)")
    expect(returned).to_be_visible()
    with translation.override("id"):
        deadline_text = formats.date_format(deadline)
    row = branch.get_by_role("row", name=re.compile(BEKASI)).filter(has_text=RETURN_REASON)
    expect(row).to_contain_text(f"Perbaiki dan ajukan ulang paling lambat {deadline_text}")
    steps.shot(branch, "branch-returned-id")
    row.get_by_role("link", name=BEKASI).click()
    expect(branch.get_by_role("heading", level=1)).to_have_text(BEKASI)
    notice = branch.get_by_role("alert")
    expect(notice).to_contain_text("Dikembalikan oleh tim penilai provinsi untuk perbaikan")
    expect(notice).to_contain_text(RETURN_REASON)
    for label, value in BEKASI_FIGURES.items():
        branch.get_by_label(f"{label}:", exact=True).fill(value)
    branch.get_by_role("button", name="Simpan angka").click()
    expect(message(branch)).to_have_text("Angka sudah disimpan.")
    branch.get_by_role("button", name="Ajukan ulang ke tim penilai").click()
    expect(message(branch)).to_have_text("Nominasi sudah diajukan ke tim penilai provinsi.")
    expect(branch.locator(".page-head .state")).to_have_text("Diajukan ulang")
    steps.shot(branch, "branch-resubmitted-id")
    bekasi.refresh_from_db()
    assert bekasi.state == NominationState.RESUBMITTED

    # Another member verifies the corrected dossier.
    secretary = open_as(users[SECRETARY])
    secretary.goto(panel_url(live_server, panel, "verification/"))
    dossier = secretary.get_by_role("article", name=BEKASI)
    expect(secretary.get_by_role("article")).to_have_count(1)
    expect(dossier.locator(".state")).to_have_text("Diajukan ulang")
    steps.shot(secretary, "verification-resubmitted-id")
    dossier.get_by_role("checkbox", name=CONFIRM_VERIFICATION).check()
    dossier.get_by_role("button", name=f"Verifikasi — {BEKASI}", exact=True).click()
    expect(message(secretary)).to_have_text(f"{BEKASI} sudah diverifikasi.")
    expect(secretary.get_by_role("article")).to_have_count(0)
    steps.shot(secretary, "verification-all-verified-id")
    bekasi.refresh_from_db()
    assert bekasi.state == NominationState.VERIFIED
    assert list(
        NominationTransition.objects.filter(nomination=bekasi)
        .order_by("pk")
        .values_list("to_state", "actor__email")
    ) == [
        (NominationState.RETURNED, MEMBER),
        (NominationState.RESUBMITTED, BRANCH),
        (NominationState.VERIFIED, SECRETARY),
    ]

    # ---------------------------------------------------------------------------------------
    # 3. The secretariat closes verification and opens the assessment (Django admin).
    secretariat = open_as(users[SECRETARIAT])
    move_stages(secretariat, live_server, edition_id, "close", VERIFICATION)
    move_stages(secretariat, live_server, edition_id, "finalise", VERIFICATION)
    move_stages(secretariat, live_server, edition_id, "open", ASSESSMENT)
    steps.shot(secretariat, "admin-assessment-open-id")

    # ---------------------------------------------------------------------------------------
    # 4. Scoring. The worklist first: sixteen nominees to score.
    member.goto(panel_url(live_server, panel))
    member.get_by_role("link", name="Nilai kandidat").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Penilaian saya")
    expect(member.locator(".progress-summary")).to_have_text("0 dari 16 terkirim")
    expect(member.locator("tr.worklist-todo")).to_have_count(16)
    steps.shot(member, "worklist-id")
    english.goto(member.url)
    expect(english.get_by_role("heading", level=1)).to_have_text("My scoring")
    expect(english.locator(".progress-summary")).to_have_text("0 of 16 submitted")
    steps.shot(english, "worklist-en")

    # Which scoresheets are entered how: two in the browser (BROWSER_SHEETS: MEMBER's of Kota
    # Bekasi, in Bahasa Indonesia, and the chair's of Martabak Air Mancur, in English); the
    # other 77 through the scoring service (scoring.services.scoresheet_save, which the form
    # calls too) with the demo replay's scores — first every other member's, so that the
    # browser sheets show the others' scores once submitted, then MEMBER's fifteen others. The
    # member from Kota Bekasi's Disnaker is excluded from Kota Bekasi: no sheet for that pair.
    members = list(panel.members.select_related("user").order_by("pk"))
    assert [m.user.email for m in members] == [CHAIR, SECRETARY, MEMBER, APINDO, BEKASI_OFFICIAL]
    member_index = {m.user.email: index for index, m in enumerate(members)}
    assessment = Stage.objects.get(edition=edition_id, kind=StageKind.PROVINCIAL_ASSESSMENT)
    outcome = {
        code: specs
        for (code, province), specs in published_provincial_outcome(2018).items()
        if province == "32"
    }
    ranks = {spec.name: rank for specs in outcome.values() for rank, spec in enumerate(specs)}
    criteria = {
        code: {
            c.code: c
            for c in Rubric.objects.get(stage=assessment, category__code=code).criteria.all()
        }
        for code in outcome
    }

    def score_by_service(emails):
        for nomination in Nomination.objects.filter(
            category__edition=edition_id, state=NominationState.VERIFIED
        ).select_related("candidate", "category"):
            for m in members:
                name = nomination.candidate.name
                if m.user.email not in emails or (m.user.email, name) in BROWSER_SHEETS:
                    continue
                if services.automatic_conflict(panel, m, nomination):
                    assert (m.user.email, name) == (BEKASI_OFFICIAL, BEKASI)
                    continue
                rank, index = ranks[name], member_index[m.user.email]
                services.scoresheet_save(
                    actor=m.user,
                    panel=panel,
                    nomination=nomination,
                    scores={
                        c.pk: services.ScoreInput(demo_score(rank, index, code), NOTES[code])
                        for code, c in criteria[nomination.category.code].items()
                    },
                    submit=True,
                )

    score_by_service({m.user.email for m in members} - {MEMBER})

    # The member scores Kota Bekasi in the browser: blind to the others until they submit.
    member.get_by_role("link", name=BEKASI).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(BEKASI)
    expect(member.locator(".page-head .state")).to_have_text("Belum dimulai")
    others = member.get_by_role("region", name="Nilai penilai lain")
    expect(others).to_contain_text(
        "Anda akan melihat nilai penilai lain untuk kandidat ini setelah Anda mengirim nilai "
        "Anda sendiri."
    )
    index = member_index[MEMBER]
    given = {code: demo_score(0, index, code) for code in CRITERIA}
    assert given == {"verifikasi_berkas": Decimal(91), "peninjauan_lapangan": Decimal(90)}
    document = member.get_by_role("group", name=re.compile(r"^Verifikasi berkas"))
    field = member.get_by_role("group", name=re.compile(r"^Peninjauan lapangan"))
    document.get_by_label("Nilai (0–100)").fill("91")
    document.get_by_label("Catatan yang menjelaskan nilai").fill(NOTES["verifikasi_berkas"])
    field.get_by_label("Nilai (0–100)").fill("90")
    steps.shot(member, "scoresheet-id")
    member.get_by_role("button", name="Simpan draf").click()
    expect(message(member)).to_have_text("Draf Anda sudah disimpan. Kirim bila sudah lengkap.")
    expect(member.locator(".page-head .state")).to_have_text("Draf")
    # Submitting without the second note: refused, the message at that criterion.
    member.get_by_role("button", name="Ajukan", exact=True).click()
    field = member.get_by_role("group", name=re.compile(r"^Peninjauan lapangan"))
    expect(field.get_by_role("alert")).to_have_text("Tulis catatan yang menjelaskan nilai.")
    expect(field.get_by_label("Catatan yang menjelaskan nilai")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(member.get_by_role("group", name=re.compile(r"^Verifikasi berkas"))).not_to_contain_text(
        "Tulis catatan"
    )
    steps.shot(member, "scoresheet-refused-id")
    field.get_by_label("Catatan yang menjelaskan nilai").fill(NOTES["peninjauan_lapangan"])
    member.get_by_role("button", name="Ajukan", exact=True).click()
    expect(message(member)).to_have_text("Nilai Anda sudah dikirim.")
    expect(member.locator(".page-head .state")).to_have_text("Terkirim")
    # Now the three other assessors' scores show, anonymously (the fourth is excluded).
    others = member.get_by_role("region", name="Nilai penilai lain")
    expect(others.get_by_role("heading", level=3)).to_have_text(
        ["Penilai 1", "Penilai 2", "Penilai 3"]
    )
    steps.shot(member, "scoresheet-submitted-id")
    english.goto(member.url)
    expect(english.get_by_role("heading", level=1)).to_have_text(BEKASI)
    expect(english.get_by_role("heading", name="My scores")).to_be_visible()
    expect(english.locator(".page-head .state")).to_have_text("Submitted")
    steps.shot(english, "scoresheet-submitted-en")
    sheet = Scoresheet.objects.get(nomination=bekasi, assessor=users[MEMBER])
    assert sheet.state == ScoresheetState.SUBMITTED
    assert {s.criterion.code: (s.value, s.note) for s in sheet.scores.all()} == {
        code: (given[code], NOTES[code]) for code in CRITERIA
    }

    # The chair scores Martabak Air Mancur in English, with a decimal comma; the chair sees the
    # other assessors' names.
    chair_en = open_as(users[CHAIR], language="en")
    chair_en.goto(panel_url(live_server, panel, "scoring/"))
    expect(chair_en.locator(".progress-summary")).to_have_text("15 of 16 submitted")
    chair_en.get_by_role("link", name=MARTABAK).click()
    expect(chair_en.get_by_role("heading", level=1)).to_have_text(MARTABAK)
    expect(chair_en.locator(".page-head .state")).to_have_text("Not started")
    expect(chair_en.get_by_role("region", name="Other assessors' scores")).to_contain_text(
        "You will see the other assessors' scores of this nominee once you have submitted your own."
    )
    document = chair_en.get_by_role("group", name=re.compile(r"^Verifikasi berkas"))
    field = chair_en.get_by_role("group", name=re.compile(r"^Peninjauan lapangan"))
    document.get_by_label("Score (0–100)").fill("89,0")
    document.get_by_label("Note explaining the score").fill(NOTES["verifikasi_berkas"])
    field.get_by_label("Score (0–100)").fill("92")
    field.get_by_label("Note explaining the score").fill(NOTES["peninjauan_lapangan"])
    steps.shot(chair_en, "scoresheet-chair-en")
    chair_en.get_by_role("button", name="Submit", exact=True).click()
    expect(message(chair_en)).to_have_text("Your scores were submitted.")
    expect(chair_en.locator(".page-head .state")).to_have_text("Submitted")
    others = chair_en.get_by_role("region", name="Other assessors' scores")
    expect(others.get_by_role("heading", level=3)).to_have_text(
        [
            "Sekretaris Tim Penilai Jawa Barat",
            "Anggota Unsur Pengusaha",
            "Anggota dari Disnaker Kota Bekasi",
        ]
    )
    steps.shot(chair_en, "scoresheet-chair-submitted-en")
    sheet = Scoresheet.objects.get(nomination=nominations[MARTABAK], assessor=users[CHAIR])
    assert sheet.state == ScoresheetState.SUBMITTED
    assert (
        {s.criterion.code: s.value for s in sheet.scores.all()}
        == {code: demo_score(0, member_index[CHAIR], code) for code in CRITERIA}
        == {"verifikasi_berkas": Decimal(89), "peninjauan_lapangan": Decimal(92)}
    )

    score_by_service({MEMBER})
    panel_nav(member).get_by_role("link", name="Penilaian saya").click()
    expect(member.locator(".progress-summary")).to_have_text("16 dari 16 terkirim")
    expect(member.locator("tr.worklist-submitted")).to_have_count(16)
    steps.shot(member, "worklist-done-id")

    # The member from Kota Bekasi's Disnaker is excluded from scoring Kota Bekasi.
    official = open_as(users[BEKASI_OFFICIAL])
    official.goto(panel_url(live_server, panel, "scoring/"))
    expect(official.locator(".progress-summary")).to_have_text(
        "15 dari 15 terkirim · 1 dikecualikan (konflik kepentingan)"
    )
    official.get_by_role("link", name=BEKASI).click()
    excluded = official.locator(".notice.excluded")
    expect(excluded).to_contain_text("Anda dikecualikan dari penilaian kandidat ini.")
    expect(excluded).to_contain_text(f"Alasan: Bekerja untuk {BEKASI}.")
    expect(official.get_by_label("Nilai (0–100)")).to_have_count(0)
    steps.shot(official, "scoresheet-excluded-id")
    assert Conflict.objects.get(nomination=bekasi).assessor.email == BEKASI_OFFICIAL

    submitted = Scoresheet.objects.filter(stage=assessment, state=ScoresheetState.SUBMITTED)
    assert submitted.count() == 16 * 5 - 1
    assert (
        not Scoresheet.objects.filter(stage=assessment)
        .exclude(state=ScoresheetState.SUBMITTED)
        .exists()
    )

    # ---------------------------------------------------------------------------------------
    # 5. The secretariat closes the assessment and opens the provincial result.
    move_stages(secretariat, live_server, edition_id, "close", ASSESSMENT)
    move_stages(secretariat, live_server, edition_id, "open", RESULT)

    # ---------------------------------------------------------------------------------------
    # 6. The chair reviews the ranking and finalises it, category by category.
    chair = open_as(users[CHAIR])
    chair.goto(panel_url(live_server, panel))
    panel_nav(chair).get_by_role("link", name="Peringkat").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Peringkat provinsi")
    kab_kota = chair.get_by_role("region", name="Pemerintah Kabupaten/Kota")
    expect(kab_kota.locator("[data-ranking-state]")).to_have_text("Sementara: belum difinalkan")
    rows = kab_kota.locator("tbody tr[data-nomination]")
    expect(rows.locator("[data-rank]")).to_have_text(RANKS)
    expect(rows.get_by_role("rowheader")).to_contain_text(NAMES)
    expect(rows.locator("[data-total]")).to_have_text(TOTALS_ID)
    expect(kab_kota.locator("[data-cut-off]")).to_have_text(
        "Batas lolos: 90,65. Jika peringkat difinalkan sekarang, kandidat berikut akan maju: "
        f"{BEKASI}"
    )
    expect(kab_kota.locator("[data-missing]")).to_contain_text(
        "Setiap anggota sudah mengirim lembar penilaian untuk setiap kandidat yang boleh "
        "dinilainya."
    )
    steps.shot(chair, "ranking-id")
    chair_en.goto(chair.url)
    expect(chair_en.get_by_role("heading", level=1)).to_have_text("Provincial ranking")
    expect(
        chair_en.get_by_role("region", name="Pemerintah Kabupaten/Kota").locator("[data-total]")
    ).to_have_text(TOTALS_EN)
    steps.shot(chair_en, "ranking-en")

    # The regency/city category, on its own page.
    kab_kota.get_by_role("link", name="Pemerintah Kabupaten/Kota").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Pemerintah Kabupaten/Kota")
    chair.get_by_role("checkbox", name=CONFIRM_FINALISATION).check()
    chair.get_by_role("button", name="Finalkan peringkat").click()
    expect(message(chair)).to_have_text(
        "Peringkat Pemerintah Kabupaten/Kota sudah difinalkan; 1 kandidat maju."
    )
    ranking = chair.get_by_role("region", name="Peringkat", exact=True)
    expect(ranking.locator("[data-ranking-state]")).to_have_text("Difinalkan")
    rows = ranking.locator("tbody tr[data-nomination]")
    expect(rows.locator("[data-rank]")).to_have_text(RANKS)
    expect(rows.get_by_role("rowheader")).to_contain_text(NAMES)
    expect(rows.locator("[data-total]")).to_have_text(TOTALS_ID)
    expect(rows.locator("[data-label]")).to_have_text(LABELS)
    expect(rows.locator("[data-advanced]")).to_have_text(["Maju"] + ["Tidak maju"] * 8)
    expect(ranking.locator("[data-finalised]")).to_contain_text(
        "Difinalkan oleh Ketua Tim Penilai Jawa Barat pada"
    )
    steps.shot(chair, "finalised-id")
    chair_en.goto(chair.url)
    expect(chair_en.get_by_role("heading", level=1)).to_have_text("Pemerintah Kabupaten/Kota")
    expect(chair_en.locator("[data-label]")).to_have_text(LABELS_EN)
    expect(chair_en.locator("[data-advanced]")).to_have_text(["Advanced"] + ["Not advanced"] * 8)
    steps.shot(chair_en, "finalised-en")

    # The two firms' categories, from the page of every category.
    for category, first, advanced in (
        ("Usaha Besar dan Menengah", "Yutaka MFG Indonesia", 1),
        ("Usaha Kecil dan Mikro", "Martabak Air Mancur", 1),
    ):
        chair.get_by_role("link", name="Semua kategori tim penilai").click()
        section = chair.get_by_role("region", name=category)
        expect(section.locator("tbody tr[data-nomination]").first).to_contain_text(first)
        section.get_by_role("checkbox", name=CONFIRM_FINALISATION).check()
        section.get_by_role("button", name="Finalkan peringkat").click()
        expect(message(chair)).to_have_text(
            f"Peringkat {category} sudah difinalkan; {advanced} kandidat maju."
        )
    chair.get_by_role("link", name="Semua kategori tim penilai").click()
    expect(chair.locator("[data-ranking-state]")).to_have_text(["Difinalkan"] * 3)
    steps.shot(chair, "finalised-all-id")

    # The secretariat closes the provincial result and finalises the provincial stages.
    move_stages(secretariat, live_server, edition_id, "close", RESULT)
    move_stages(secretariat, live_server, edition_id, "finalise", ASSESSMENT, RESULT)
    steps.shot(secretariat, "admin-stages-finalised-id")

    # The branch sees Kota Bekasi's result.
    branch.goto(f"{live_server.url}/branch/nominations/")
    edition_2018 = branch.locator("section.edition-group").filter(
        has=branch.get_by_role("heading", name="Paritrana Award 2018")
    )
    expect(edition_2018.get_by_role("heading", level=3)).to_have_text(
        "Maju ke tingkat nasional (1)"
    )
    expect(edition_2018.get_by_role("row", name=re.compile(BEKASI))).to_contain_text(
        "Provinsi: Peringkat I"
    )
    steps.shot(branch, "branch-result-id")

    # ---------------------------------------------------------------------------------------
    # The database: the published outcome, every sheet submitted, the snapshots and stages.
    snapshots = RankingSnapshot.objects.filter(stage=assessment, panel=panel)
    assert snapshots.count() == 3
    assert not snapshots.filter(reopened_at__isnull=False).exists()
    assert set(snapshots.values_list("finalised_by__email", flat=True)) == {CHAIR}
    snapshot = snapshots.get(category__code=KAB_KOTA)
    assert [
        (r.rank, r.nomination.candidate.name, r.total, r.label, r.advanced)
        for r in snapshot.rows.select_related("nomination__candidate").order_by("rank")
    ] == [(*row, row[0] == 1) for row in KAB_KOTA_RANKING]
    assert (snapshot.quota, snapshot.cut_off) == (1, Decimal("90.65"))
    for specs in outcome.values():
        for spec in specs:
            nomination = Nomination.objects.get(pk=nominations[spec.name].pk)
            assert (nomination.state, nomination.provincial_label) == (
                spec.state,
                spec.provincial_label,
            ), spec.name
    states = dict(Stage.objects.filter(edition=edition_id).values_list("kind", "state"))
    assert [states[k] for k in list(StageKind)[:5]] == [
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.PLANNED,
    ]
