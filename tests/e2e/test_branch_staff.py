"""Branch staff's journey in a real browser: Kantor Cabang Bekasi Kota registers the government
of Kota Bekasi for the edition open for nominations (2021 in the demo), fills in its dossier
(figures, live indicators, a regional regulation as a PDF), submits it to the provincial panel;
and imports the businesses of Kota Bekasi from the spreadsheet template, first a file with wrong
rows (refused whole, every error by row and column), then the corrected file (preview, import,
result). In Bahasa Indonesia (the default), the main pages also in English.

The figures are those reported for Kota Bekasi's 2020 dossier (candidates.demo); the
businesses and their NPPs are illustrative."""

import io
import re
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from weasyprint import HTML

from candidates.enums import ImportStatus, NominationState
from candidates.models import (
    BusinessData,
    Candidate,
    Edition,
    GovernmentData,
    ImportJob,
    LegalProduct,
    Nomination,
    NominationTransition,
)

pytestmark = pytest.mark.django_db(transaction=True)

BEKASI_STAFF = "cabang.bekasi@paritrana.test"

# The figures form as a person types them: Indonesian thousand separators.
FIGURES = {
    "Kepala daerah": "Rahmat Effendi",
    "Petugas penghubung": "Ika Indah Yarti",
    "Jabatan petugas penghubung": "Kepala Dinas Tenaga Kerja Kota Bekasi",
    "Penduduk usia kerja": "2.200.000",
    "Angkatan kerja": "1.500.000",
    "Pekerja formal": "929.199",
    "Pekerja informal": "454.088",
    "Peserta aktif Penerima Upah (PU)": "886.113",
    "Peserta aktif Bukan Penerima Upah (BPU)": "55.289",
    "Pekerja rentan yang iurannya dibayar APBD (BPU)": "39.227",
    "Pegawai non-ASN": "14.786",
    "Pegawai non-ASN yang terlindungi": "14.786",
    "Pemberi kerja terdaftar": "12.450",
    "Anggaran APBD untuk iuran (Rupiah)": "7.900.000.000",
}


@pytest.fixture
def bekasi_staff(demo_accounts, tasks_in_process):
    """Staff of Kantor Cabang Bekasi Kota; 2021 is the demo's edition open for nominations and
    Kota Bekasi has no nomination in it yet. (Imports above PARITRANA_IMPORT_ASYNC_ROWS rows
    run as Celery tasks: in-process here, should the threshold be set low.)"""
    assert list(Edition.objects.filter(nominations_open=True).values_list("year", flat=True)) == [
        2021
    ]
    assert not Nomination.objects.filter(
        candidate__regency="32.75", category__edition__year=2021
    ).exists()
    return demo_accounts[BEKASI_STAFF]


def perda_pdf(path) -> bytes:
    """A real one-page PDF of the regulation, as a scanner or a word processor would make."""
    content = HTML(
        string="<h1>Peraturan Daerah Kota Bekasi Nomor 18 Tahun 2011</h1>"
        "<p>tentang Penyelenggaraan Pelayanan Ketenagakerjaan</p>"
    ).write_pdf()
    path.write_bytes(content)
    return content


def messages(page):
    return page.locator("ul.messages")


def test_branch_staff_registers_fills_in_and_submits_a_nomination(
    live_server, open_as, steps, bekasi_staff, tmp_path, settings
):
    page = open_as(bekasi_staff)

    # The worklist, reached from the navigation.
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Nominasi cabang"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominasi cabang")
    steps.shot(page, "worklist-id")

    # Register Kota Bekasi in the regency/city category of 2021.
    page.get_by_role("link", name="Daftarkan pemerintah daerah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftarkan pemerintah daerah")
    page.get_by_label("Edisi dan kategori").select_option(label="Pemerintah Kabupaten/Kota (2021)")
    page.get_by_label("Wilayah").select_option(label="Kota Bekasi (32.75)")
    steps.shot(page, "register-id")
    page.get_by_role("button", name="Buat draf").click()

    nomination = Nomination.objects.get(candidate__regency="32.75", category__edition__year=2021)
    assert page.url == f"{live_server.url}/branch/nominations/{nomination.pk}/"
    expect(messages(page)).to_have_text("Draf nominasi sudah dibuat; isi angkanya.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemerintah Kota Bekasi")
    expect(page.locator(".page-head .state")).to_have_text("Draf")
    assert (nomination.state, nomination.created_by) == (NominationState.DRAFT, bekasi_staff)
    steps.shot(page, "draft-id")

    # The figures, typed with thousand separators; the indicators follow as they are typed.
    for label, value in FIGURES.items():
        page.get_by_label(f"{label}:", exact=True).fill(value)
    indicators = page.locator("#indicators")
    expect(indicators).to_contain_text("Dihitung dari angka yang sedang diketik; belum disimpan.")
    expect(indicators).to_contain_text("95,36 %")  # PU: 886.113 / 929.199 formal workers
    expect(indicators).to_contain_text("12,18 %")  # BPU: 55.289 / 454.088 informal workers
    assert GovernmentData.objects.get(nomination=nomination).formal_workers is None

    # An impossible figure is refused at its field, and nothing is saved.
    covered = page.get_by_label("Pegawai non-ASN yang terlindungi:", exact=True)
    covered.fill("20.000")
    page.get_by_role("button", name="Simpan angka").click()
    expect(covered).to_have_attribute("aria-invalid", "true")
    # The message stands just above the field and is its accessible description.
    expect(covered).to_have_accessible_description(
        "Pegawai non-ASN yang terlindungi tidak boleh melebihi jumlah pegawai non-ASN."
    )
    expect(page.locator("form.figures .errorlist")).to_have_count(1)
    assert GovernmentData.objects.get(nomination=nomination).non_asn_covered is None
    steps.shot(page, "figures-refused-id")

    covered.fill("14.786")
    page.get_by_role("button", name="Simpan angka").click()
    expect(messages(page)).to_have_text("Angka sudah disimpan.")
    expect(page.get_by_label("Pekerja formal:", exact=True)).to_have_value("929.199")
    expect(indicators).to_contain_text("Dihitung dari angka yang tersimpan")
    expect(indicators).to_contain_text("95,36 %")
    data = GovernmentData.objects.get(nomination=nomination)
    assert (
        data.head_of_region,
        data.formal_workers,
        data.active_pu,
        data.bpu_apbd_vulnerable,
        data.non_asn_covered,
        data.apbd_contribution_budget,
    ) == ("Rahmat Effendi", 929_199, 886_113, 39_227, 14_786, 7_900_000_000)
    steps.shot(page, "figures-saved-id")

    # A legal product with its PDF (htmx swaps the section in place).
    pdf = perda_pdf(tmp_path / "Perda 18 2011.pdf")
    legal = page.locator("#legal-products")
    expect(legal).to_contain_text("Belum ada produk hukum.")
    legal.get_by_label("Jenis:", exact=True).select_option(label="Peraturan Daerah (Perda)")
    legal.get_by_label("Nomor:", exact=True).fill("18")
    legal.get_by_label("Tahun:", exact=True).fill("2011")
    legal.get_by_label("Judul:", exact=True).fill("Penyelenggaraan Pelayanan Ketenagakerjaan")
    legal.get_by_label("Cakupan:", exact=True).fill("Kota Bekasi")
    legal.get_by_label("Dokumen (PDF):", exact=True).set_input_files(tmp_path / "Perda 18 2011.pdf")
    legal.get_by_role("button", name="Tambah").click()
    row = legal.get_by_role("row").filter(has_text="Penyelenggaraan Pelayanan Ketenagakerjaan")
    expect(row).to_contain_text("Peraturan Daerah (Perda)")
    expect(row.get_by_role("cell").nth(1)).to_have_text("18")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2011")
    product = LegalProduct.objects.get(nomination=nomination)
    assert (product.type, product.number, product.year, product.scope) == (
        "perda",
        "18",
        2011,
        "Kota Bekasi",
    )
    assert product.pdf.name.startswith("legal-products/")
    assert (settings.MEDIA_ROOT / product.pdf.name).read_bytes() == pdf
    steps.shot(page, "legal-product-id")

    # The stored document downloads as the PDF that was uploaded.
    with page.expect_download() as download:
        row.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "peraturan-daerah-perda-18-2011.pdf"
    downloaded = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert downloaded == pdf
    assert "Nomor 18 Tahun 2011" in PdfReader(io.BytesIO(downloaded)).pages[0].extract_text()

    # Submit to the provincial panel: the figures are locked from then on.
    page.get_by_role("button", name="Ajukan ke tim penilai").click()
    expect(messages(page)).to_have_text("Nominasi sudah diajukan ke tim penilai provinsi.")
    expect(page.locator(".page-head .state")).to_have_text("Diajukan")
    expect(page.get_by_role("status").filter(has_text="angkanya")).to_have_text(
        "Nominasi ini sudah diajukan: angkanya tidak dapat diubah lagi kecuali dikembalikan "
        "oleh tim penilai."
    )
    expect(page.get_by_label("Pekerja formal:", exact=True)).to_be_disabled()
    # The reloaded page counts the regulation in the legal-product strength.
    strength = indicators.locator("div").filter(has_text="Kekuatan produk hukum")
    expect(strength.locator("dd")).to_have_text("5")
    expect(page.get_by_role("button", name="Simpan angka")).to_have_count(0)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert list(
        NominationTransition.objects.filter(nomination=nomination).values_list(
            "from_state", "to_state", "actor"
        )
    ) == [("", "draft", bekasi_staff.pk), ("draft", "submitted", bekasi_staff.pk)]
    steps.shot(page, "submitted-id")

    page.get_by_role("link", name="Nominasi cabang").first.click()
    submitted = page.locator("section.edition-group").filter(
        has=page.get_by_role("heading", level=2, name="2021")
    )
    expect(submitted.get_by_role("heading", level=3, name="Diajukan (1)")).to_be_visible()
    expect(submitted.get_by_role("link", name="Pemerintah Kota Bekasi")).to_be_visible()
    steps.shot(page, "worklist-submitted-id")

    # The same pages in English.
    page = open_as(bekasi_staff, language="en")
    page.goto(f"{live_server.url}/branch/nominations/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Branch nominations")
    expect(page.get_by_role("link", name="Register a government")).to_be_visible()
    steps.shot(page, "worklist-en")
    page.goto(f"{live_server.url}/branch/nominations/new/government/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a government")
    expect(page.get_by_label("Edition and category")).to_be_visible()
    expect(page.get_by_label("Region")).to_be_visible()
    steps.shot(page, "register-en")
    page.goto(f"{live_server.url}/branch/nominations/{nomination.pk}/")
    expect(page.locator(".page-head .state")).to_have_text("Submitted")
    expect(page.get_by_role("status").filter(has_text="its figures")).to_have_text(
        "This nomination has been submitted: its figures can no longer be changed unless the "
        "panel returns it."
    )
    expect(page.get_by_label("Formal workers:", exact=True)).to_have_value("929,199")
    expect(page.locator("#indicators")).to_contain_text("95.36 %")
    expect(page.locator("#legal-products")).to_contain_text("Regional regulation (Perda)")
    steps.shot(page, "submitted-en")


# ---------------------------------------------------------------------------------------------
# Spreadsheet import

BUSINESSES = [
    # NPP, legal name, sector, scale, employees total/registered, JKK, JKM, JHT, JP
    ("32750101", "PT Patriot Logistik Bekasi", "Logistik", "besar", 850, 820, 820, 820, 800, 760),
    ("32750102", "PT Sinar Kemasan Bekasi", "Manufaktur", "menengah", 140, 132, 132, 132, 120, 110),
    ("32750103", "CV Dapur Kalimalang", "Makanan dan minuman", "kecil_mikro", 18, 15, 15, 15, 9, 0),
]


def business_rows(wrong: dict[int, dict] | None = None) -> list[dict]:
    """The rows of the Data sheet by its (Bahasa Indonesia) headers; `wrong` maps an index of
    BUSINESSES to the cells typed wrong in its row."""
    rows = []
    for index, (npp, name, sector, scale, total, registered, jkk, jkm, jht, jp) in enumerate(
        BUSINESSES
    ):
        row = {
            "NPP": npp,
            "Nama badan usaha": name,
            "Sektor": sector,
            "Skala (besar/menengah/kecil_mikro)": scale,
            "Kode kabupaten/kota": "32.75",
            "Jumlah pekerja": total,
            "Pekerja terdaftar": registered,
            "Peserta JKK": jkk,
            "Peserta JKM": jkm,
            "Peserta JHT": jht,
            "Peserta JP": jp,
            # JKP starts in 2022: left empty for 2021.
            "Upah dilaporkan ke BPJS (Rp)": total * 4_500_000,
            "Upah sebenarnya (Rp)": total * 4_800_000,
            "Tunggakan iuran (bulan)": 0,
            "Jumlah kontraktor": 2,
            "Pekerja kontraktor": 40,
            "Pekerja kontraktor terdaftar": 35,
            "Pekerja rentan dilindungi melalui CSR": 25,
            "Tanggal data": date(2021, 12, 31),
        }
        row.update((wrong or {}).get(index, {}))
        rows.append(row)
    return rows


def fill_template(template_path, rows, path) -> None:
    """The downloaded template filled in as a person would: the Data sheet from row 2, under
    the headers it came with."""
    book = openpyxl.load_workbook(template_path)
    sheet = book["Data"]
    headers = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        assert set(row) <= set(headers)
        for column, header in enumerate(headers, start=1):
            if header in row:
                sheet.cell(row=number, column=column, value=row[header])
    book.save(path)


def counts() -> dict:
    return {
        "candidates": Candidate.objects.count(),
        "nominations": Nomination.objects.count(),
        "business_data": BusinessData.objects.count(),
        "transitions": NominationTransition.objects.count(),
    }


def upload(page, path):
    page.get_by_label("Data badan usaha").check()
    page.get_by_label("Edisi:", exact=True).select_option(label="Paritrana Award 2021")
    page.get_by_label("Lembar kerja").set_input_files(path)
    page.get_by_role("button", name="Periksa berkas").click()


def test_branch_staff_imports_a_spreadsheet_of_businesses(
    live_server, open_as, steps, bekasi_staff, tmp_path
):
    page = open_as(bekasi_staff)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Impor lembar kerja"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor lembar kerja")
    steps.shot(page, "import-start-id")

    # The business template, with the branch's regions on its sheet Kode wilayah.
    with page.expect_download() as download:
        page.get_by_role("listitem").filter(has_text="Data badan usaha").get_by_role(
            "link", name="Excel (.xlsx)"
        ).click()
    assert download.value.suggested_filename == "template-paritrana-badan-usaha.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    regions = openpyxl.load_workbook(template, read_only=True)["Kode wilayah"]
    assert list(regions.iter_rows(values_only=True)) == [
        ("Kode", "Nama", "Provinsi"),
        ("32.75", "Kota Bekasi", "Jawa Barat"),
    ]

    # A file with two wrong rows: refused whole, every error listed by row and column.
    before = counts()
    wrong = tmp_path / "badan-usaha-bekasi-salah.xlsx"
    fill_template(
        template,
        business_rows({1: {"Peserta JKK": 150}, 2: {"Kode kabupaten/kota": "75.71"}}),
        wrong,
    )
    upload(page, wrong)
    refused = ImportJob.objects.get(original_name="badan-usaha-bekasi-salah.xlsx")
    assert page.url == f"{live_server.url}/branch/import/{refused.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Impor no. {refused.pk}")
    expect(page.get_by_role("heading", name="Tidak ada yang diimpor")).to_be_visible()
    expect(page.locator("#import-status .notice p")).to_have_text(
        "Ditemukan 2 kesalahan. Perbaiki berkas dan unggah lagi; tidak ada baris yang disimpan "
        "selama masih ada yang salah."
    )
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).get_by_role("cell")).to_have_text(
        ["3", "Peserta JKK", "Kepesertaan suatu program tidak boleh melebihi pekerja yang "
         "terdaftar di BPJS."]
    )  # fmt: skip
    expect(errors.nth(1).get_by_role("cell")).to_have_text(
        ["4", "Kode kabupaten/kota", "Wilayah ini tidak termasuk wilayah kantor cabang Anda."]
    )
    expect(page.get_by_role("button", name="Impor", exact=True)).to_have_count(0)
    refused.refresh_from_db()
    assert (refused.status, refused.total_rows, refused.error_count) == (
        ImportStatus.INVALID,
        3,
        2,
    )
    assert counts() == before
    assert not Candidate.objects.filter(npp__startswith="327501").exists()
    steps.shot(page, "import-refused-id")

    # The corrected file: checked, previewed, nothing saved until confirmed.
    page.get_by_role("link", name="Unggah berkas lain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor lembar kerja")
    right = tmp_path / "badan-usaha-bekasi.xlsx"
    fill_template(template, business_rows(), right)
    upload(page, right)
    job = ImportJob.objects.get(original_name="badan-usaha-bekasi.xlsx")
    assert page.url == f"{live_server.url}/branch/import/{job.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Impor no. {job.pk}")
    expect(page.get_by_role("heading", name="Siap mengimpor 3 baris")).to_be_visible()
    preview = page.locator("table.import-preview")
    expect(preview.locator("tbody tr")).to_have_count(3)
    for _npp, name, *_rest in BUSINESSES:
        expect(preview).to_contain_text(name)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.VALIDATED
    assert counts() == before
    steps.shot(page, "import-preview-id")

    page.get_by_role("button", name="Impor", exact=True).click()
    expect(page.get_by_role("heading", name="Sudah diimpor")).to_be_visible()
    expect(page.locator("#import-status .notice p").first).to_have_text(
        "3 baris diimpor. Draf nominasi baru: 3; nominasi yang diperbarui: 0."
    )
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.nominations_created, job.nominations_updated) == (
        ImportStatus.DONE,
        3,
        3,
        0,
    )
    assert counts() == {
        "candidates": before["candidates"] + 3,
        "nominations": before["nominations"] + 3,
        "business_data": before["business_data"] + 3,
        "transitions": before["transitions"] + 3,
    }
    imported = Nomination.objects.filter(candidate__npp__startswith="327501")
    assert sorted(
        imported.values_list("candidate__npp", "category__code", "state", "created_by")
    ) == [
        ("32750101", "usaha-besar", "draft", bekasi_staff.pk),
        ("32750102", "usaha-menengah", "draft", bekasi_staff.pk),
        ("32750103", "usaha-kecil-mikro", "draft", bekasi_staff.pk),
    ]
    data = BusinessData.objects.get(nomination__candidate__npp="32750102")
    assert (
        data.employees_total,
        data.employees_registered,
        data.jp_enrolled,
        data.jkp_enrolled,
        data.reported_wages,
    ) == (140, 132, 110, None, 630_000_000)
    steps.shot(page, "import-done-id")

    # The drafts wait in the worklist.
    page.get_by_role("link", name="Ke nominasi cabang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominasi cabang")
    for _npp, name, *_rest in BUSINESSES:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    steps.shot(page, "worklist-imported-id")

    # In English: the import page and the two jobs.
    page = open_as(bekasi_staff, language="en")
    page.goto(f"{live_server.url}/branch/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spreadsheet import")
    expect(page.get_by_label("Business data")).to_be_checked()
    expect(page.get_by_label("Spreadsheet")).to_be_visible()
    recent = page.get_by_role("table").filter(has_text="badan-usaha-bekasi.xlsx")
    expect(recent.get_by_role("row")).to_have_count(3)
    steps.shot(page, "import-start-en")
    page.goto(f"{live_server.url}/branch/import/{refused.pk}/")
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    expect(page.locator("table.import-errors tbody tr")).to_have_count(2)
    steps.shot(page, "import-refused-en")
    page.goto(f"{live_server.url}/branch/import/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import no. {job.pk}")
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    expect(page.locator("#import-status .notice p").first).to_have_text(
        "3 rows imported. New draft nominations: 3; nominations updated: 0."
    )
    steps.shot(page, "import-done-en")


def test_a_session_ending_while_figures_are_typed_warns_and_keeps_them(
    live_server, open_as, steps, demo_accounts, browser
):
    """Issue 25, item 13: two minutes before the idle timeout a warning offers to stay logged
    in; figures typed and not saved survive the session's end in this browser and are filled in
    again after logging in, with a way to discard them."""
    from django.conf import settings

    from tests.auth import Client

    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    nomination = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    assert nomination.state == NominationState.DRAFT
    url = f"{live_server.url}/branch/nominations/{nomination.pk}/"
    page = open_as(staff)
    page.clock.install()
    page.goto(url)
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()

    # 28 minutes later without a request: the warning, counting down.
    page.clock.fast_forward("28:30")
    expect(warning).to_be_visible()
    # About a minute and a half left (the seconds the page took to load count too).
    expect(warning.locator("[data-session-countdown]")).to_have_text(re.compile(r"^1:[0-2]\d$"))
    steps.shot(page, "session-ending-id")
    page.get_by_role("button", name="Tetap masuk").click()
    expect(warning).to_be_hidden()
    expect(page.locator("body")).to_have_attribute("data-session-state", "extended")

    # Figures typed, not saved; then the session ends (the server forgets it).
    page.get_by_label("Pekerja formal:", exact=True).fill("41.250")
    page.get_by_label("Pekerja informal:", exact=True).fill("63.120")
    page.context.clear_cookies()
    page.clock.fast_forward("31:00")
    expect(warning).to_be_visible()
    expect(warning.locator("[data-session-ended]")).to_contain_text("Sesi Anda sudah berakhir.")
    steps.shot(page, "session-ended-id")

    # Logged in again (a new session), the page fills the figures in again and says so.
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": live_server.url},
        ]
    )
    page.goto(url)
    restored = page.locator("#draft-restored")
    expect(restored).to_be_visible()
    expect(page.get_by_label("Pekerja formal:", exact=True)).to_have_value("41.250")
    expect(page.get_by_label("Pekerja informal:", exact=True)).to_have_value("63.120")
    # The indicators follow the restored figures as if they had been typed.
    expect(page.locator("#indicators")).to_contain_text("sedang diketik")
    steps.shot(page, "figures-restored-id")
    assert GovernmentData.objects.filter(nomination=nomination, formal_workers=41_250).count() == 0

    # Saved: the draft is forgotten, and the next visit shows no notice.
    page.get_by_role("button", name="Simpan angka").click()
    expect(messages(page)).to_have_text("Angka sudah disimpan.")
    assert GovernmentData.objects.get(nomination=nomination).formal_workers == 41_250
    page.goto(url)
    expect(page.locator("#draft-restored")).to_be_hidden()
    expect(page.get_by_label("Pekerja formal:", exact=True)).to_have_value("41.250")

    # Typed again and discarded: the page's saved values come back.
    page.get_by_label("Pekerja formal:", exact=True).fill("99.999")
    page.goto(url)
    expect(page.locator("#draft-restored")).to_be_visible()
    page.get_by_role("button", name="buang").click()
    expect(page.get_by_label("Pekerja formal:", exact=True)).to_have_value("41.250")
    page.goto(url)
    expect(page.locator("#draft-restored")).to_be_hidden()


def test_a_legal_product_the_server_refuses_says_why_where_it_was_added(
    live_server, open_as, steps, demo_accounts, tmp_path
):
    """Issue 25, item 11: the htmx form of legal products, refused by the server (400: a year
    outside 1945 to the edition's, a file that is no PDF), shows the messages at their fields;
    any other error (here a 503 on the way) is said under the form. Nothing is saved."""
    staff = demo_accounts["cabang.gorontalo@paritrana.test"]
    nomination = Nomination.objects.get(
        candidate__name="Pemerintah Kota Gorontalo", category__edition__year=2021
    )
    page = open_as(staff)
    page.goto(f"{live_server.url}/branch/nominations/{nomination.pk}/")
    legal = page.locator("#legal-products")
    legal.get_by_label("Jenis:", exact=True).select_option(label="Peraturan Daerah (Perda)")
    legal.get_by_label("Nomor:", exact=True).fill("7")
    legal.get_by_label("Tahun:", exact=True).fill("1900")
    legal.get_by_label("Judul:", exact=True).fill("Perlindungan Pekerja Rentan")
    fake = tmp_path / "perda.pdf"
    fake.write_bytes(b"not a PDF at all, only text named .pdf")
    legal.get_by_label("Dokumen (PDF):", exact=True).set_input_files(fake)
    legal.get_by_role("button", name="Tambah").click()

    year = legal.get_by_label("Tahun:", exact=True)
    expect(year).to_have_attribute("aria-invalid", "true")
    expect(legal.locator(".errorlist")).to_have_count(2)
    expect(legal).to_contain_text("1945")
    expect(legal.get_by_label("Dokumen (PDF):", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    steps.shot(page, "legal-product-refused-id")
    assert not LegalProduct.objects.filter(nomination=nomination).exists()

    # Another refusal on the way (the server out of room: 503): said under the form.
    page.route(
        "**/legal-products/",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"detail": "Server tidak punya ruang untuk menyimpan berkas."}',
        ),
    )
    year.fill("2019")
    legal.get_by_role("button", name="Tambah").click()
    alert = page.locator("[data-htmx-refusal]")
    expect(alert).to_have_text("Server tidak punya ruang untuk menyimpan berkas.")
    expect(alert).to_have_attribute("role", "alert")
    page.unroute("**/legal-products/")
    page.route("**/legal-products/", lambda route: route.fulfill(status=500, body="boom"))
    legal.get_by_role("button", name="Tambah").click()
    expect(alert).to_have_text(
        "Tidak ada yang tersimpan: server menolak permintaan ini (galat 500). Muat ulang "
        "halaman lalu coba lagi; bila terjadi lagi, beri tahu sekretariat."
    )
    steps.shot(page, "legal-product-error-id")
    assert not LegalProduct.objects.filter(nomination=nomination).exists()
