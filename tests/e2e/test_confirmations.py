"""What cannot be undone asks first and says what follows; a verification decided by mistake is
corrected by the chair with a reason (issue 25, item 14). A Jawa Barat panel of one (its
chair), two verified and scored cities, verification and the provincial result open."""

import re

import pytest
from playwright.sync_api import expect

from candidates.enums import NominationState
from candidates.models import Province, Regency
from scoring import services
from scoring.enums import StageKind
from scoring.models import RankingSnapshot
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    RegencyGovernmentFactory,
    UserFactory,
)
from tests.scoring.conftest import criterion

pytestmark = pytest.mark.django_db(transaction=True)

BOGOR, SUKABUMI = "Pemerintah Kota Bogor", "Pemerintah Kota Sukabumi"
CATEGORY = "Pemerintah Kabupaten/Kota"


@pytest.fixture
def ranked(regions):
    edition = EditionFactory(year=2030)
    stages = {s.kind: s for s in services.stages_create_defaults(edition=edition)}
    category = CategoryFactory(edition=edition, code="kab-kota", provincial_quota=1)
    panel = services.panel_get_or_create(edition=edition, province=Province.objects.get(code="32"))
    chair = UserFactory(email="ketua@example.test", first_name="Ketua")
    services.panel_member_add(panel=panel, user=chair, is_chair=True)
    rubric = services.rubric_create(
        stage=stages[StageKind.PROVINCIAL_ASSESSMENT],
        category=category,
        criteria=[criterion("judged")],
    )
    for kind in (StageKind.PROVINCIAL_VERIFICATION, StageKind.PROVINCIAL_ASSESSMENT):
        services.stage_open(actor=None, stage=stages[kind])
    [judged] = rubric.criteria.all()
    for code, value in (("32.71", 80), ("32.72", 70)):
        nomination = NominationFactory(
            category=category,
            candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code=code)),
            state=NominationState.VERIFIED,
        )
        services.scoresheet_save(
            actor=chair,
            panel=panel,
            nomination=nomination,
            scores={judged.pk: services.ScoreInput(value, "catatan")},
            submit=True,
        )
    services.stage_open(actor=None, stage=stages[StageKind.PROVINCIAL_RESULT])
    return {"panel": panel, "category": category, "chair": chair}


def message(page):
    return page.locator("ul.messages li.message")


def test_finalising_a_ranking_asks_first_and_says_what_follows(live_server, open_as, ranked, steps):
    chair = open_as(ranked["chair"])
    chair.goto(f"{live_server.url}/panel/{ranked['panel'].pk}/ranking/{ranked['category'].pk}/")
    expect(chair.locator("[data-ranking-state]")).to_have_text("Sementara: belum difinalkan")
    form = chair.locator("[data-finalise-form]")
    # The question, with what follows, before anything is done.
    question = form.get_by_role(
        "checkbox",
        name=f"Saya mengonfirmasi: finalkan peringkat {CATEGORY}. Nilai, total, dan "
        "peringkatnya dibekukan, kandidat dalam kuota maju ke tingkat nasional, dan hanya ketua "
        "atau sekretariat yang dapat membukanya kembali, dengan alasan.",
    )
    expect(question).not_to_be_checked()
    steps.shot(chair, "asked")

    # Not ticked: refused, the box says why, nothing is frozen.
    form.get_by_role("button", name="Finalkan peringkat").click()
    expect(question).to_have_accessible_description("Centang kotak untuk mengonfirmasi finalisasi.")
    expect(chair.locator("[data-ranking-state]")).to_have_text("Sementara: belum difinalkan")
    assert RankingSnapshot.objects.count() == 0
    steps.shot(chair, "not-confirmed")

    question.check()
    form.get_by_role("button", name="Finalkan peringkat").click()
    expect(message(chair)).to_have_text(f"Peringkat {CATEGORY} sudah difinalkan; 1 kandidat maju.")
    expect(chair.locator("[data-ranking-state]")).to_have_text("Difinalkan")
    expect(chair.locator("[data-finalise-form]")).to_have_count(0)
    steps.shot(chair, "finalised")
    assert RankingSnapshot.objects.get().finalised_by == ranked["chair"]


def test_the_chair_corrects_a_verification_with_a_reason(live_server, open_as, ranked, steps):
    chair = open_as(ranked["chair"])
    chair.goto(f"{live_server.url}/panel/{ranked['panel'].pk}/verification/")
    corrections = chair.get_by_role("region", name=re.compile(r"^Koreksi keputusan"))
    expect(corrections.get_by_role("article")).to_have_count(2)
    dossier = corrections.get_by_role("article", name=SUKABUMI)
    dossier.locator("summary").click()
    dossier.get_by_label("Alasan koreksi").fill("Lampiran Perwali belum diunggah.")
    dossier.get_by_role("button", name=f"Kembalikan untuk diverifikasi ulang — {SUKABUMI}").click()
    expect(message(chair)).to_have_text(
        f"Verifikasi {SUKABUMI} sudah dikoreksi: berkas kembali menunggu verifikasi."
    )
    waiting = chair.get_by_role("region", name=re.compile(r"^Menunggu verifikasi"))
    expect(waiting.get_by_role("article")).to_have_count(1)
    expect(waiting.get_by_role("article", name=SUKABUMI)).to_be_visible()
    decided = chair.get_by_role("region", name="Keputusan terbaru").get_by_role("row")
    expect(decided.filter(has_text=SUKABUMI)).to_contain_text("Lampiran Perwali belum diunggah.")
    steps.shot(chair, "corrected")
