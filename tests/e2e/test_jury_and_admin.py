"""The end of a national round in a real browser, on the demo's 2020 round of the regency/city
category (scoring.demo, `make run NATIONAL_2020=…`):

1. the national jury: the jurors score the national selection, the chair finalises it (eight
   finalists), the chair schedules the interviews and records who attended, the jurors score
   the interviews, the chair finalises the national result and every juror confirms it — Kota
   Bekasi third, Peringkat III; the secretariat opens and closes the stages in the admin;
2. the secretariat: publishes the signed-off national results, creates the ceremony, generates
   the certificates (the batch's progress bar at 100 %, the PDFs downloadable), and the public
   results page shows the winners.

Bahasa Indonesia is the default language; the key pages are opened in English as well. Every
step leaves a screenshot (tests/e2e/conftest.py `steps`)."""

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests import demo_data

pytestmark = pytest.mark.django_db(transaction=True)

JAKARTA = ZoneInfo("Asia/Jakarta")
KAB_KOTA = "Pemerintah Kabupaten/Kota"
BEKASI = "Pemerintah Kota Bekasi"
# The box a juror ticks to confirm the national result (its label says what follows).
CONFIRM_RANKING = re.compile(r"^Saya mengonfirmasi: peringkat ini adalah keputusan dewan juri\.")
CHAIR, JUROR, JUROR_2 = (
    "ketua.juri@paritrana.test",
    "juri@paritrana.test",
    "juri.kemendagri@paritrana.test",
)
ADMIN = "admin@paritrana.test"
# The 2020 national stages as the admin names them.
SELECTION, INTERVIEW, RESULT = (
    f"{kind} (2020)" for kind in ("Seleksi nasional", "Wawancara nasional", "Hasil nasional")
)

# The criteria's fieldsets on the scoresheets (their legends, with the weight).
PRODUK_HUKUM = "Produk hukum daerah (bobot 40,00)"
CAKUPAN = "Cakupan kepesertaan (PU, BPU dan pekerja rentan) (bobot 60,00)"
WAWANCARA = "Wawancara: komitmen dan inovasi pemerintah daerah (bobot 100,00)"

# Kota Bekasi's interview, as the demo replay schedules and records it (its third slot).
BEKASI_SLOT = datetime(2021, 6, 15, 13, 0, tzinfo=JAKARTA)
BEKASI_ATTENDEE = (
    "Rahmat Effendi, Wali Kota Bekasi (didampingi Kepala Dinas Tenaga Kerja Ika Indah Yarti)"
)
BEKASI_LINK = "https://vicon.paritrana.test/2020/pemerintah-kabupaten-kota/kota-bekasi"


def _accounts() -> dict:
    """The demo logins, by email."""
    from accounts.models import User

    demo_data.create_demo_accounts()
    return {u.email: u for u in User.objects.all()}


@pytest.fixture
def national_selection(regions):
    """The demo with the 2020 national round replayed up to the selection: the jury formed,
    its rubrics set, the selection stage open, nothing scored; and the demo accounts."""
    assert demo_data.seed_demo(national_2020="selection")[1]["national_2020"] is True
    return _accounts()


@pytest.fixture
def national_finalised(regions):
    """The demo with the 2020 national round signed off (awards given) but nothing published,
    no ceremony held (ceremonies.demo.seed_ceremonies not run); and the demo accounts."""
    assert demo_data.seed_demo(national_2020="finalised")[1]["national_2020"] is True
    return _accounts()


# ---------------------------------------------------------------------------------------------
# Helpers


def _jury():
    from scoring.models import Panel

    return Panel.objects.get(edition__year=2020, province__isnull=True)


def _nominations() -> dict:
    from candidates.models import Nomination

    return {
        n.candidate.name: n
        for n in Nomination.objects.filter(
            category__edition__year=2020, category__code="pemerintah-kabupaten-kota"
        )
        .exclude(state__in=("not_advanced",))
        .select_related("candidate", "category")
    }


def _score_through_services(kind, values: dict, *, skip: tuple = ()) -> int:
    """Every juror submits, for each nominee of `values`, its value ± 1 on the criteria (the
    demo replay's spread: −1, 0, +1 by seat, so the means are the values), except the
    (juror email, nominee) pairs in `skip`, entered in the browser. Returns the sheets saved."""
    from scoring import selectors, services
    from scoring.models import Stage

    jury = _jury()
    nominations = _nominations()
    stage = Stage.objects.get(edition=jury.edition, kind=kind)
    saved = 0
    for index, member in enumerate(jury.members.select_related("user").order_by("pk")):
        spread = (index % 3) - 1
        for name, value in values.items():
            if (member.user.email, name) in skip:
                continue
            nomination = nominations[name]
            rubric = selectors.rubric_for(stage, nomination.category)
            criteria = [c for c in rubric.criteria.order_by("order") if c.is_assessed]
            services.scoresheet_save(
                actor=member.user,
                panel=jury,
                nomination=nomination,
                scores={
                    c.pk: services.ScoreInput(
                        Decimal(value + (spread if position % 2 == 0 else -spread)),
                        f"Catatan {c.name} untuk {name}.",
                    )
                    for position, c in enumerate(criteria)
                },
                submit=True,
                stage_kind=kind,
            )
            saved += 1
    return saved


# The admin's stage actions: (action, "N stage(s) …" message, the state shown after).
STAGE_MOVES = {
    "open": ("Buka tahap yang dipilih", "{n} tahap dibuka.", "Dibuka"),
    "close": ("Tutup tahap yang dipilih", "{n} tahap ditutup.", "Ditutup"),
    "finalise": ("Finalkan tahap yang dipilih", "{n} tahap difinalkan.", "Difinalkan"),
}


def _admin_moves_stages(page, steps, move: str, *stages: str, shot: str):
    """The secretariat ticks the stages on the admin's list of stages, runs the action on them
    and reads their new state in the list."""
    action, done, state = STAGE_MOVES[move]
    page.get_by_role("link", name="Tahap", exact=True).first.click()
    for stage in stages:
        page.get_by_label(f"Pilih objek ini untuk suatu aksi - {stage}").check()
    page.get_by_label("Aksi:").select_option(label=action)
    page.get_by_role("button", name="Buka").click()
    expect(page.locator(".messagelist")).to_have_text(done.format(n=len(stages)))
    for stage in stages:
        row = page.locator("#result_list tbody tr").filter(
            has=page.get_by_label(f"Pilih objek ini untuk suatu aksi - {stage}")
        )
        expect(row.locator("td.field-state")).to_have_text(state)
    steps.shot(page, shot)


def _stage_states() -> dict:
    from scoring.models import Stage

    return dict(
        Stage.objects.filter(edition__year=2020, kind__startswith="national_").values_list(
            "kind", "state"
        )
    )


def _panel_page(page, name: str):
    """A link of the panel's sub-navigation ("Halaman tim penilai")."""
    return page.get_by_role("navigation", name="Halaman tim penilai").get_by_role(
        "link", name=name, exact=True
    )


def _row(page, name: str):
    """The table row whose row header names the nominee."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def _row_by_link(page, name: str):
    """The table row holding the link named `name` (the worklists' rows have no row header)."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


# ---------------------------------------------------------------------------------------------
# 1. The national jury


def test_the_national_jury_selects_interviews_and_signs_off(
    live_server, open_as, steps, national_selection
):
    """In the browser: the Kementerian Ketenagakerjaan juror's (juri@) selection scoresheet and
    interview scoresheet of Kota Bekasi, the chair's finalisation of the selection, Kota
    Bekasi's interview schedule and attendance, the chair's finalisation of the national result,
    both other jurors' confirmations, and the secretariat's stage moves in the admin. Through
    the services, to keep the test short (the demo replay's values): the other 35 selection
    and 23 interview scoresheets, and the other seven finalists' schedules and attendance."""
    from candidates.enums import NominationState, RankLabel
    from scoring.demo import NATIONAL_2020_SCORES
    from scoring.enums import Attendance, StageKind, StageState
    from scoring.models import (
        Award,
        Interview,
        RankingSnapshot,
        Scoresheet,
    )

    accounts = national_selection
    jury = _jury()
    url = live_server.url
    nominations = _nominations()
    bekasi = nominations[BEKASI]
    assert _stage_states() == {
        StageKind.NATIONAL_SELECTION: StageState.OPEN,
        StageKind.NATIONAL_INTERVIEW: StageState.PLANNED,
        StageKind.NATIONAL_RESULT: StageState.PLANNED,
    }

    # The selection. Through the services: every juror's scoresheets of the twelve nominees
    # (the demo's values), except the Kementerian Ketenagakerjaan juror's of Kota Bekasi,
    # entered below in the browser.
    selection = {name: value for name, (value, *_rest) in NATIONAL_2020_SCORES.items()}
    assert _score_through_services(
        StageKind.NATIONAL_SELECTION, selection, skip=((JUROR, BEKASI),)
    ) == (3 * 12 - 1)

    # The juror's worklist: eleven of twelve submitted, Kota Bekasi not started.
    juror = open_as(accounts[JUROR])
    juror.goto(f"{url}/panel/{jury.pk}/")
    _panel_page(juror, "Penilaian: Seleksi nasional").click()
    expect(juror.get_by_role("heading", level=1)).to_have_text("Penilaian saya · Seleksi nasional")
    expect(juror.locator(".progress-summary")).to_have_text("11 dari 12 terkirim")
    expect(_row_by_link(juror, BEKASI)).to_contain_text("Belum dimulai")
    steps.shot(juror, "selection-worklist-juror")

    # Kota Bekasi's scoresheet: the dossier, then one fieldset per criterion. A note missing:
    # refused, the message inside the criterion's fieldset, the value kept.
    _row_by_link(juror, BEKASI).get_by_role("link", name=BEKASI).click()
    expect(juror.get_by_role("heading", level=1)).to_have_text(BEKASI)
    expect(juror.get_by_role("region", name="Nilai penilai lain")).to_contain_text(
        "Anda akan melihat nilai penilai lain untuk kandidat ini setelah Anda mengirim nilai "
        "Anda sendiri."
    )
    produk_hukum = juror.get_by_role("group", name=PRODUK_HUKUM)
    cakupan = juror.get_by_role("group", name=CAKUPAN)
    produk_hukum.get_by_label("Nilai (0–100)").fill("86")
    produk_hukum.get_by_label("Catatan yang menjelaskan nilai").fill(
        "Perda Kota Bekasi Nomor 18 Tahun 2011 dan Instruksi Wali Kota 134.4/313/Setda.KS."
    )
    cakupan.get_by_label("Nilai (0–100)").fill("86")
    juror.get_by_role("button", name="Ajukan").click()
    expect(cakupan.get_by_role("alert")).to_have_text("Tulis catatan yang menjelaskan nilai.")
    expect(cakupan.get_by_label("Nilai (0–100)")).to_have_attribute("aria-invalid", "true")
    expect(cakupan.get_by_label("Nilai (0–100)")).to_have_value("86")
    expect(produk_hukum.get_by_role("alert")).to_have_count(0)
    assert not Scoresheet.objects.filter(
        stage__kind=StageKind.NATIONAL_SELECTION, nomination=bekasi, assessor=accounts[JUROR]
    ).exists()
    steps.shot(juror, "selection-scoresheet-note-missing")

    cakupan.get_by_label("Catatan yang menjelaskan nilai").fill(
        "95,36 % pekerja formal terdaftar; 39.227 pekerja rentan dilindungi melalui APBD."
    )
    juror.get_by_role("button", name="Ajukan").click()
    expect(juror.locator(".messages")).to_have_text("Nilai Anda sudah dikirim.")
    expect(juror.get_by_role("button", name="Simpan perubahan")).to_be_visible()
    # Submitted: the other two jurors' scores of Kota Bekasi are shown now.
    others = juror.get_by_role("region", name="Nilai penilai lain").locator("article")
    expect(others.get_by_role("heading", level=3)).to_have_text(["Penilai 1", "Penilai 2"])
    expect(others.nth(0).locator("td.num")).to_have_text(["85,00", "87,00"])
    steps.shot(juror, "selection-scoresheet-submitted")
    sheet = Scoresheet.objects.get(
        stage__kind=StageKind.NATIONAL_SELECTION, nomination=bekasi, assessor=accounts[JUROR]
    )
    assert sheet.state == "submitted"
    assert sorted((s.criterion.code, s.value) for s in sheet.scores.all()) == [
        ("cakupan_kepesertaan", Decimal("86.00")),
        ("produk_hukum", Decimal("86.00")),
    ]
    _panel_page(juror, "Penilaian: Seleksi nasional").click()
    expect(juror.locator(".progress-summary")).to_have_text("12 dari 12 terkirim")

    # The chair reads the live selection and finalises it: the eight best become finalists.
    chair = open_as(accounts[CHAIR])
    chair.goto(f"{url}/panel/{jury.pk}/")
    _panel_page(chair, "Finalis (seleksi)").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Seleksi nasional")
    expect(chair.locator("[data-ranking-state]")).to_have_text("Sementara: belum difinalkan")
    expect(_row(chair, BEKASI).locator("[data-rank]")).to_have_text("3")
    expect(_row(chair, BEKASI).locator("[data-total]")).to_have_text("86,00")
    expect(_row(chair, "Pemerintah Kota Balikpapan").locator("[data-rank]")).to_have_text("1")
    expect(chair.locator("[data-cut-off]")).to_contain_text("Batas lolos: 79,00.")
    steps.shot(chair, "selection-ranking-live")
    chair.get_by_role("checkbox", name=re.compile(r"^Saya mengonfirmasi: finalkan seleksi")).check()
    chair.get_by_role("button", name="Finalkan peringkat").click()
    expect(chair.locator(".messages")).to_have_text(
        f"Seleksi nasional {KAB_KOTA} sudah difinalkan; 8 finalis."
    )
    expect(chair.locator("[data-ranking-state]")).to_have_text("Difinalkan")
    expect(chair.locator("[data-finalised]")).to_contain_text("Difinalkan oleh Ketua Dewan Juri")
    expect(chair.locator("[data-finalised]")).to_contain_text("Batas lolos: 79,00.")
    expect(_row(chair, BEKASI).locator("[data-advanced]")).to_have_text("Finalis")
    expect(_row(chair, "Pemerintah Kota Pekanbaru").locator("[data-advanced]")).to_have_text(
        "Bukan finalis"
    )
    steps.shot(chair, "selection-ranking-finalised")
    finalists = sorted(
        n.candidate.name for n in _nominations().values() if n.state == NominationState.FINALIST
    )
    assert finalists == sorted(
        name for name, (_s, score, *_r) in NATIONAL_2020_SCORES.items() if score is not None
    )
    assert len(finalists) == 8

    chair_en = open_as(accounts[CHAIR], language="en")
    chair_en.goto(f"{url}/panel/{jury.pk}/ranking/")
    expect(chair_en.get_by_role("heading", level=1)).to_have_text("National selection")
    expect(chair_en.locator("[data-ranking-state]")).to_have_text("Finalised")
    expect(_row(chair_en, BEKASI).locator("[data-advanced]")).to_have_text("Finalist")
    steps.shot(chair_en, "selection-ranking-finalised-en")

    # The secretariat closes and finalises the selection and opens the interviews (admin).
    admin = open_as(accounts[ADMIN])
    admin.goto(f"{url}/admin/")
    _admin_moves_stages(admin, steps, "close", SELECTION, shot="admin-selection-closed")
    _admin_moves_stages(admin, steps, "finalise", SELECTION, shot="admin-selection-finalised")
    _admin_moves_stages(admin, steps, "open", INTERVIEW, shot="admin-interviews-opened")
    assert _stage_states() == {
        StageKind.NATIONAL_SELECTION: StageState.FINALISED,
        StageKind.NATIONAL_INTERVIEW: StageState.OPEN,
        StageKind.NATIONAL_RESULT: StageState.PLANNED,
    }

    # The interviews. Through the services: the seven other finalists' schedules and
    # attendance (the demo's); Kota Bekasi's in the browser, by the chair.
    from scoring import services

    slots = [
        datetime(2021, 6, day, hour, minute, tzinfo=JAKARTA)
        for day in (15, 16)
        for hour, minute in ((9, 0), (10, 30), (13, 0), (14, 30))
    ]
    nominations = _nominations()
    for slot, name in zip(slots, [n for n in NATIONAL_2020_SCORES if n in finalists], strict=False):
        if name == BEKASI:
            assert slot == BEKASI_SLOT
            continue
        _value, _interview, attendance, attendee = NATIONAL_2020_SCORES[name]
        services.interview_schedule(
            actor=accounts[CHAIR],
            panel=jury,
            nomination=nominations[name],
            scheduled_at=slot,
            video_link="https://vicon.paritrana.test/2020/wawancara",
        )
        services.interview_record(
            actor=accounts[CHAIR],
            panel=jury,
            nomination=nominations[name],
            attendance=attendance,
            attendee=attendee,
            minutes="Paparan dan tanya jawab.",
        )

    _panel_page(chair, "Wawancara").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Wawancara")
    expect(_row(chair, BEKASI)).to_contain_text("belum dijadwalkan")
    expect(_row(chair, BEKASI)).to_contain_text("belum dicatat")
    steps.shot(chair, "interviews-before")
    _row(chair, BEKASI).get_by_role("link", name="Jadwalkan dan catat").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text(BEKASI)
    chair.get_by_label("Tanggal dan waktu").fill("2021-06-15T13:00")
    chair.get_by_label("Tautan video").fill(BEKASI_LINK)
    steps.shot(chair, "interview-schedule")
    chair.get_by_role("button", name="Simpan jadwal").click()
    expect(chair.locator(".messages")).to_have_text(f"Wawancara {BEKASI} sudah dijadwalkan.")
    _row(chair, BEKASI).get_by_role("link", name="Jadwalkan dan catat").click()
    chair.get_by_label("Kepala daerah atau direktur perusahaan").check()
    chair.get_by_label("Yang hadir:", exact=True).fill(BEKASI_ATTENDEE)
    chair.get_by_label("Notulen").fill(
        "Wawancara melalui konferensi video. Wali Kota memaparkan sinergi Pemerintah Kota "
        "Bekasi dengan BPJS Ketenagakerjaan: sejak 2017 sebanyak 54 ribu pekerja didaftarkan."
    )
    steps.shot(chair, "interview-record")
    chair.get_by_role("button", name="Catat wawancara").click()
    expect(chair.locator(".messages")).to_have_text(f"Wawancara {BEKASI} sudah dicatat.")
    expect(_row(chair, BEKASI).locator("[data-attendance]")).to_contain_text(
        "Kepala daerah atau direktur perusahaan"
    )
    expect(_row(chair, BEKASI).locator("td").first).to_have_text("15 Juni 2021, 13.00 WIB")
    expect(_row(chair, BEKASI).locator("td.num")).to_have_text("1,00")
    expect(_row(chair, "Pemerintah Kota Balikpapan").locator("td.num")).to_have_text("0,80")
    steps.shot(chair, "interviews-recorded")
    interview = Interview.objects.get(panel=jury, nomination=bekasi)
    assert (interview.scheduled_at, interview.video_link, interview.attendance) == (
        BEKASI_SLOT,
        BEKASI_LINK,
        Attendance.HEAD,
    )
    assert interview.attendee == BEKASI_ATTENDEE
    assert interview.updated_by == accounts[CHAIR]

    chair_en.goto(f"{url}/panel/{jury.pk}/interviews/")
    expect(chair_en.get_by_role("heading", level=1)).to_have_text("Interviews")
    expect(_row(chair_en, BEKASI).locator("[data-attendance]")).to_contain_text(
        "Head of region or company director"
    )
    steps.shot(chair_en, "interviews-recorded-en")

    # The interview scores. Through the services: every juror's of the eight finalists, except
    # the Kementerian Ketenagakerjaan juror's of Kota Bekasi, entered here in the browser.
    interviewed = {name: score for name, (_s, score, *_r) in NATIONAL_2020_SCORES.items() if score}
    assert _score_through_services(
        StageKind.NATIONAL_INTERVIEW, interviewed, skip=((JUROR, BEKASI),)
    ) == (3 * 8 - 1)
    _panel_page(juror, "Penilaian: Wawancara nasional").click()
    expect(juror.get_by_role("heading", level=1)).to_have_text(
        "Penilaian saya · Wawancara nasional"
    )
    expect(juror.locator(".progress-summary")).to_have_text("7 dari 8 terkirim")
    _row_by_link(juror, BEKASI).get_by_role("link", name=BEKASI).click()
    interview_card = juror.get_by_role("region", name="Wawancara")
    expect(interview_card).to_contain_text("Kepala daerah atau direktur perusahaan")
    expect(interview_card).to_contain_text("Rahmat Effendi")
    wawancara = juror.get_by_role("group", name=WAWANCARA)
    wawancara.get_by_label("Nilai (0–100)").fill("88")
    wawancara.get_by_label("Catatan yang menjelaskan nilai").fill(
        "Target agar semua pekerja di Kota Bekasi terlindungi; perizinan terintegrasi."
    )
    steps.shot(juror, "interview-scoresheet")
    juror.get_by_role("button", name="Ajukan").click()
    expect(juror.locator(".messages")).to_have_text("Nilai Anda sudah dikirim.")
    steps.shot(juror, "interview-scoresheet-submitted")
    juror_en = open_as(accounts[JUROR], language="en")
    juror_en.goto(juror.url)
    expect(juror_en.get_by_role("heading", name="My scores")).to_be_visible()
    expect(
        juror_en.get_by_role(
            "group", name=WAWANCARA.replace("bobot 100,00", "weight 100.00")
        ).get_by_label("Score (0–100)")
    ).to_have_value("88.00")
    expect(juror_en.get_by_role("button", name="Save changes")).to_be_visible()
    steps.shot(juror_en, "interview-scoresheet-submitted-en")
    assert [
        s.value
        for s in Scoresheet.objects.get(
            stage__kind=StageKind.NATIONAL_INTERVIEW, nomination=bekasi, assessor=accounts[JUROR]
        ).scores.all()
    ] == [Decimal("88.00")]

    # The secretariat closes the interviews and opens the national result.
    _admin_moves_stages(admin, steps, "close", INTERVIEW, shot="admin-interviews-closed")
    _admin_moves_stages(admin, steps, "open", RESULT, shot="admin-result-opened")

    # The chair reads the national result (selection 60, interview 40 × the attendance factor)
    # and finalises it: Kota Bekasi 0,6 × 86 + 0,4 × 88 × 1,00 = 86,80, third.
    _panel_page(chair, "Hasil nasional").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Hasil nasional")
    expect(chair.locator("[data-ranking-state]")).to_have_text("Sementara: belum difinalkan")
    expect(_row(chair, BEKASI).locator("td").first).to_have_text("3")
    expect(_row(chair, BEKASI).locator("[data-total]")).to_have_text("86,80")
    # The label it would receive, by its name.
    expect(_row(chair, BEKASI).locator("td").nth(5)).to_have_text("Peringkat III")
    expect(_row(chair, "Pemerintah Kota Semarang").locator("[data-total]")).to_have_text("89,60")
    steps.shot(chair, "result-live")
    chair.get_by_role("checkbox", name=re.compile(r"^Saya mengonfirmasi: finalkan hasil")).check()
    chair.get_by_role("button", name="Finalkan hasil nasional").click()
    expect(chair.locator(".messages")).to_have_text(
        f"Hasil nasional {KAB_KOTA} sudah difinalkan; hasil ini disahkan setelah semua juri "
        "mengonfirmasinya."
    )
    expect(chair.locator("[data-ranking-state]")).to_have_text(
        "Difinalkan: menunggu konfirmasi para juri"
    )
    confirmations = chair.locator("ul.confirmations li")
    expect(confirmations).to_have_count(3)
    expect(confirmations.filter(has_text="belum dikonfirmasi")).to_have_count(2)
    steps.shot(chair, "result-finalised")

    # Every juror confirms; the last confirmation signs the result off.
    _panel_page(juror, "Hasil nasional").click()
    expect(juror.locator("[data-ranking-state]")).to_have_text(
        "Difinalkan: menunggu konfirmasi para juri"
    )
    steps.shot(juror, "result-to-confirm-juror")
    juror.get_by_role("checkbox", name=CONFIRM_RANKING).check()
    juror.get_by_role("button", name="Konfirmasi peringkat").click()
    expect(juror.locator(".messages")).to_have_text("Konfirmasi Anda sudah dicatat.")
    expect(juror.get_by_role("button", name="Konfirmasi peringkat")).to_have_count(0)
    juror_2 = open_as(accounts[JUROR_2])
    juror_2.goto(f"{url}/panel/{jury.pk}/final/")
    juror_2.get_by_role("checkbox", name=CONFIRM_RANKING).check()
    juror_2.get_by_role("button", name="Konfirmasi peringkat").click()
    expect(juror_2.locator(".messages")).to_have_text(
        f"Semua juri sudah mengonfirmasi: hasil nasional {KAB_KOTA} disahkan."
    )
    expect(juror_2.locator("[data-ranking-state]")).to_contain_text("Disahkan")
    expect(_row(juror_2, BEKASI).locator("[data-label]")).to_have_text("Peringkat III")
    expect(juror_2.locator("ul.confirmations li").filter(has_text="dikonfirmasi")).to_have_count(3)
    steps.shot(juror_2, "result-signed-off")

    # The awards, from the signed-off result.
    _panel_page(juror_2, "Penghargaan").click()
    expect(juror_2.get_by_role("heading", level=1)).to_have_text("Penghargaan")
    awards = juror_2.locator("tr[data-award]")
    expect(awards.locator("td strong")).to_have_text(
        ["Peringkat I", "Peringkat II", "Peringkat III"]
    )
    expect(awards.locator("td:nth-child(3)")).to_contain_text(
        ["Pemerintah Kota Semarang", "Pemerintah Kabupaten Banyuwangi", BEKASI]
    )
    expect(awards.locator("td.num")).to_have_text(["1", "2", "3"])
    steps.shot(juror_2, "awards")
    chair_en.goto(f"{url}/panel/{jury.pk}/final/")
    expect(chair_en.get_by_role("heading", level=1)).to_have_text("National result")
    expect(chair_en.locator("[data-ranking-state]")).to_contain_text("Signed off")
    expect(_row(chair_en, BEKASI).locator("[data-label]")).to_have_text("3rd place")
    steps.shot(chair_en, "result-signed-off-en")

    # The secretariat closes the result and finalises the interviews and the result.
    _admin_moves_stages(admin, steps, "close", RESULT, shot="admin-result-closed")
    _admin_moves_stages(
        admin, steps, "finalise", INTERVIEW, RESULT, shot="admin-national-finalised"
    )

    # The database: the three national stages finalised, every scoresheet submitted, eight
    # interviews recorded, the result signed off by all three jurors, the awards as the seed.
    assert _stage_states() == {
        StageKind.NATIONAL_SELECTION: StageState.FINALISED,
        StageKind.NATIONAL_INTERVIEW: StageState.FINALISED,
        StageKind.NATIONAL_RESULT: StageState.FINALISED,
    }
    sheets = Scoresheet.objects.filter(panel=jury)
    assert sheets.filter(stage__kind=StageKind.NATIONAL_SELECTION, state="submitted").count() == 36
    assert sheets.filter(stage__kind=StageKind.NATIONAL_INTERVIEW, state="submitted").count() == 24
    assert sheets.exclude(state="submitted").count() == 0
    recorded = Interview.objects.filter(panel=jury).exclude(attendance="")
    assert sorted(i.nomination.candidate.name for i in recorded) == finalists
    snapshot = RankingSnapshot.objects.get(
        panel=jury, stage__kind=StageKind.NATIONAL_RESULT, reopened_at__isnull=True
    )
    assert snapshot.signed_off_at is not None
    assert snapshot.finalised_by == accounts[CHAIR]
    assert {c.juror.email for c in snapshot.confirmations.all()} == {CHAIR, JUROR, JUROR_2}
    assert [
        (a.nomination.candidate.name, a.label, a.rank, a.withdrawn_at)
        for a in Award.objects.filter(category__edition__year=2020).order_by("rank")
    ] == [
        ("Pemerintah Kota Semarang", RankLabel.PERINGKAT_1, 1, None),
        ("Pemerintah Kabupaten Banyuwangi", RankLabel.PERINGKAT_2, 2, None),
        (BEKASI, RankLabel.PERINGKAT_3, 3, None),
    ]
    final = {n.candidate.name: n for n in _nominations().values()}
    assert (final[BEKASI].state, final[BEKASI].national_label, final[BEKASI].national_rank) == (
        NominationState.AWARDED,
        RankLabel.PERINGKAT_3,
        3,
    )
    bone = final["Pemerintah Kabupaten Bone Bolango"]
    assert (bone.state, bone.national_rank) == (NominationState.NOT_AWARDED, 6)
    assert final["Pemerintah Kota Pekanbaru"].state == NominationState.NOT_FINALIST
    assert snapshot.rows.get(nomination=bekasi).total == Decimal("86.80")


# ---------------------------------------------------------------------------------------------
# 2. The secretariat


def test_the_secretariat_publishes_and_generates_the_certificates(
    live_server, browser, open_as, steps, tasks_in_process, national_finalised
):
    from ceremonies.models import Ceremony, Certificate, CertificateBatch, Publication

    accounts = national_finalised
    url = live_server.url
    assert not Publication.objects.exists()

    # Before: nothing of 2020 is public (no result of the demo is published yet).
    visitor = browser.new_context().new_page()
    visitor.goto(f"{url}/results/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Hasil Paritrana Award")
    expect(visitor.locator(".empty")).to_have_text("Belum ada hasil yang diumumkan.")
    steps.shot(visitor, "public-results-before")
    assert visitor.goto(f"{url}/results/2020/").status == 404
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")

    # The overview of the editions: 2020 not published.
    admin = open_as(accounts[ADMIN])
    admin.goto(f"{url}/ceremonies/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Upacara penyerahan dan pengumuman")
    edition_row = admin.locator('tr[data-edition="2020"]')
    expect(edition_row.locator("td").first).to_have_text("Belum diumumkan")
    steps.shot(admin, "ceremonies-index")
    edition_row.get_by_role("link", name="2020").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        "Edisi 2020: upacara penyerahan dan pengumuman"
    )
    national = admin.locator('[data-scope="national"]')
    expect(national.locator(".notice")).to_have_text(
        "Siap diumumkan: setiap peringkat yang membentuk hasil ini sudah final."
    )
    steps.shot(admin, "edition-ready")

    # Publishing without ticking the confirmation is refused, the message at the checkbox.
    national.get_by_role("button", name="Umumkan hasil nasional").click()
    national = admin.locator('[data-scope="national"]')
    expect(national.locator(".errorlist")).to_have_text(
        "Centang kotak untuk mengonfirmasi pengumuman."
    )
    assert not Publication.objects.exists()
    steps.shot(admin, "publish-unconfirmed")
    national.get_by_label(
        "Saya mengonfirmasi: hasil langsung menjadi publik, untuk semua orang."
    ).check()
    national.get_by_role("button", name="Umumkan hasil nasional").click()
    expect(admin.locator(".messages")).to_have_text("Hasil nasional 2020 telah diumumkan.")
    national = admin.locator('[data-scope="national"]')
    expect(national.locator(".state-published")).to_have_text("Diumumkan")
    steps.shot(admin, "published")
    publication = Publication.objects.get()
    assert (publication.edition.year, publication.province, publication.published_by) == (
        2020,
        None,
        accounts[ADMIN],
    )

    # The national ceremony (Radar Bekasi: 9 September 2021, by video conference).
    national.get_by_role("link", name="Buat upacara penyerahan nasional").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Upacara penyerahan baru")
    admin.get_by_label("Judul").fill("Penyerahan Penghargaan Paritrana 2020")
    admin.get_by_label("Tanggal").fill("2021-09-09")
    admin.get_by_label("Tempat").fill("Jakarta, melalui konferensi video")
    admin.get_by_label("Pejabat yang menyerahkan penghargaan").fill(
        "K.H. Ma'ruf Amin, Wakil Presiden Republik Indonesia"
    )
    admin.get_by_label("Penanda tangan piagam").fill(
        "Muhadjir Effendy, Menteri Koordinator Bidang Pembangunan Manusia dan Kebudayaan\n"
        "Anggoro Eko Cahyo, Direktur Utama BPJS Ketenagakerjaan"
    )
    steps.shot(admin, "ceremony-form")
    admin.get_by_role("button", name="Simpan upacara penyerahan").click()
    expect(admin.locator(".messages")).to_have_text("Upacara penyerahan telah disimpan.")
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        "Penyerahan Penghargaan Paritrana 2020"
    )
    presented = admin.locator("table.presented tbody tr")
    expect(presented).to_have_count(3)
    expect(presented.nth(2)).to_contain_text("Peringkat III")
    expect(presented.nth(2)).to_contain_text(BEKASI)
    expect(presented.nth(2)).to_contain_text("Belum diterbitkan")
    steps.shot(admin, "ceremony")
    ceremony = Ceremony.objects.get()
    assert (ceremony.edition.year, ceremony.province, ceremony.held_on.isoformat()) == (
        2020,
        None,
        "2021-09-09",
    )

    # Generating the certificates: the batch page, its progress bar at 100 % (the tasks run
    # in-process, so the batch is finished when the page shows).
    admin.get_by_role("button", name="Buat piagam").click()
    expect(admin.locator(".messages")).to_have_text("Membuat 3 piagam di latar belakang.")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Kumpulan piagam")
    progress = admin.locator("#batch-progress")
    expect(progress).to_have_attribute("data-finished", "true")
    expect(progress.get_by_role("heading", level=2)).to_have_text("Selesai")
    bar = admin.get_by_role("progressbar", name="3 dari 3 piagam telah dibuat (100 %)")
    expect(bar).to_have_attribute("max", "3")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_js_property("position", 1)
    expect(bar).to_have_text("100 %")
    expect(progress.locator('[data-count="done"]')).to_have_text("3")
    expect(progress.locator('[data-count="failed"]')).to_have_text("0")
    expect(progress.locator('[data-count="waiting"]')).to_have_text("0")
    rows = admin.locator("table.certificates tbody tr")
    expect(rows).to_have_count(3)
    expect(admin.locator('table.certificates tr[data-state="generated"]')).to_have_count(3)
    steps.shot(admin, "batch-finished")

    batch = CertificateBatch.objects.get()
    certificates = list(Certificate.objects.filter(ceremony=ceremony).order_by("serial"))
    assert batch.total == len(certificates) == 3
    assert all(c.file and c.generated_at and not c.error for c in certificates)
    bekasi_certificate = Certificate.objects.get(
        ceremony=ceremony, nomination__candidate__name=BEKASI
    )
    assert bekasi_certificate.title == "Peringkat III"

    # Kota Bekasi's PDF, by its serial's link; then the batch's ZIP.
    serial = bekasi_certificate.serial
    with admin.expect_download() as download:
        admin.get_by_role("link", name=serial).click()
    assert download.value.suggested_filename == f"{serial}.pdf"
    with open(download.value.path(), "rb") as downloaded:
        pdf = PdfReader(io.BytesIO(downloaded.read()))
    text = pdf.pages[0].extract_text()
    assert serial in text and BEKASI in text
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Unduh piagam yang telah dibuat (ZIP)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == [f"{c.serial}.pdf" for c in certificates]
        for certificate in certificates:
            with certificate.file.open("rb") as stored:
                assert archive.read(f"{certificate.serial}.pdf") == stored.read()

    # In English: the batch page.
    admin_en = open_as(accounts[ADMIN], language="en")
    admin_en.goto(f"{url}/ceremonies/batch/{batch.pk}/")
    expect(admin_en.get_by_role("heading", level=1)).to_have_text("Certificate batch")
    expect(
        admin_en.get_by_role("progressbar", name="3 of 3 certificates generated (100 %)")
    ).to_have_attribute("value", "3")
    steps.shot(admin_en, "batch-finished-en")
    admin_en.goto(f"{url}/ceremonies/ceremony/{ceremony.pk}/")
    expect(admin_en.locator('table.certificates tr[data-state="generated"]')).to_have_count(3)
    expect(
        admin_en.locator(f'tr[data-certificate="{serial}"]').get_by_role(
            "link", name="Download PDF"
        )
    ).to_be_visible()
    steps.shot(admin_en, "ceremony-certificates-en")
    admin_en.goto(f"{url}/ceremonies/2020/")
    expect(admin_en.get_by_role("heading", level=1)).to_have_text(
        "Edition 2020: ceremonies and publication"
    )
    expect(admin_en.locator('[data-scope="national"] .state-published')).to_have_text("Published")
    steps.shot(admin_en, "edition-published-en")

    # The public results now list 2020 and show its winners, in both languages.
    visitor.goto(f"{url}/results/")
    visitor.locator('[data-year="2020"]').get_by_role("link", name="Pemenang nasional").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Paritrana Award 2020")
    expect(visitor.get_by_role("heading", name="Pemenang nasional")).to_be_visible()
    winners = visitor.locator('section[data-category="pemerintah-kabupaten-kota"] tbody tr')
    expect(winners).to_have_count(3)
    expect(visitor.get_by_role("heading", name="Upacara penyerahan penghargaan")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Penyerahan Penghargaan Paritrana 2020")
    expect(winners.locator("[data-title]")).to_have_text(
        ["Peringkat I", "Peringkat II", "Peringkat III"]
    )
    # Demo data: the first two are illustrative (the articles report Kota Bekasi's place only).
    expect(winners.get_by_role("rowheader")).to_have_text(
        ["Pemerintah Kota Semarang ilustrasi", "Pemerintah Kabupaten Banyuwangi ilustrasi", BEKASI]
    )
    steps.shot(visitor, "public-results-after")
    visitor.get_by_role("link", name="EN", exact=True).click()
    expect(visitor.get_by_role("heading", name="National winners")).to_be_visible()
    expect(winners.get_by_role("rowheader")).to_have_text(
        [
            "Pemerintah Kota Semarang illustrative",
            "Pemerintah Kabupaten Banyuwangi illustrative",
            BEKASI,
        ]
    )
    steps.shot(visitor, "public-results-after-en")
    visitor.context.close()
