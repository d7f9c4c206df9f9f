"""A legal product's PDF is inert (issue 24, item 11): a PDF/HTML polyglot (web-page markup in
the file) and a PDF with active content (a script run on opening or by a page's additional
action, a program to launch, an embedded file, rich media, an XFA form, a javascript: link),
written plainly, with escaped names or inside a compressed object stream, are refused at the
field on the branch page and through the API, and nothing is stored. Ordinary PDFs (WeasyPrint's,
a destination to open at, packed objects) are accepted and only ever served as application/pdf
attachments with nosniff."""

import pytest
from django.conf import settings
from django.utils.html import escape
from rest_framework.test import APIClient
from weasyprint import HTML

from candidates.models import LegalProduct
from tests.security.pdf_files import ACTIVE, INERT, POLYGLOTS
from tests.security.test_uploads import (
    GORONTALO,
    NOT_PDF,
    api_legal_product,
    gorontalo_draft,
    in_language,
    post_legal_product,
    stored,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]


@pytest.fixture
def staff(demo_accounts):
    return demo_accounts[GORONTALO]


@pytest.fixture
def draft(staff):
    return gorontalo_draft(staff)


ACTIVE_MESSAGE = (
    "This PDF holds active content (%(names)s): scripts, programs to launch, embedded files and "
    "forms are not accepted. Print the document to PDF again."
)
MARKUP_MESSAGE = (
    "This PDF also holds web-page markup (%(markup)s), as a file made to open as a web page "
    "does; it is not accepted. Print the document to PDF again."
)
REFUSED = {
    **{
        f"active-{case}": (content, ACTIVE_MESSAGE, {"names": names})
        for case, (content, names) in ACTIVE.items()
    },
    **{
        f"markup-{case}": (content, MARKUP_MESSAGE, {"markup": markup})
        for case, (content, markup) in POLYGLOTS.items()
    },
    # pypdf cannot read it (no cross-reference to find its objects): what it holds is unknown.
    "unreadable": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", NOT_PDF, {}),
}


def _api(staff, language="en") -> APIClient:
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    api.force_authenticate(staff)
    return api


@pytest.mark.parametrize("case", REFUSED)
def test_an_active_or_polyglot_pdf_is_refused_on_the_branch_page(client, staff, draft, case):
    content, message, params = REFUSED[case]
    client.force_login(staff)
    before = stored()

    response = post_legal_product(client, draft, "perda.pdf", content)

    expected = in_language("id", message, **params)
    assert response.status_code == 400
    assert response.context["legal_form"].errors == {"pdf": [expected]}
    assert escape(expected) in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize("case", REFUSED)
def test_an_active_or_polyglot_pdf_is_refused_by_the_api(staff, draft, case):
    content, message, params = REFUSED[case]
    before = stored()

    response = _api(staff).post(
        f"/api/v1/nominations/{draft.pk}/legal-products/",
        {
            "type": "perda",
            "number": "7",
            "year": 2020,
            "title": "Perlindungan Pekerja Rentan",
            "pdf": _upload(content),
        },
        format="multipart",
    )

    assert (response.status_code, response.json()) == (400, {"pdf": [message % params]})
    assert stored() == before


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("perda.pdf", content, content_type="application/pdf")


ACCEPTED = {
    **INERT,
    "weasyprint": HTML(
        string="<h1>Peraturan Daerah Kabupaten Gorontalo Nomor 7 Tahun 2020</h1>"
        "<p>tentang Perlindungan Pekerja Rentan. <a href='https://jdih.gorontalokab.go.id/'>JDIH</a></p>"
    ).write_pdf(),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_an_ordinary_pdf_is_kept_and_served_only_as_a_pdf_download(client, staff, draft, case):
    content = ACCEPTED[case]
    client.force_login(staff)

    response = post_legal_product(client, draft, "perda.pdf", content)
    through_api = api_legal_product(_api(staff), draft, "perbup.pdf", content)

    assert (response.status_code, through_api.status_code) == (200, 201)
    products = list(LegalProduct.objects.filter(nomination=draft).order_by("pk"))
    assert [(settings.MEDIA_ROOT / p.pdf.name).read_bytes() for p in products] == [content] * 2
    api = _api(staff)
    for product in products:
        page = client.get(f"/documents/legal-products/{product.pk}/")
        document = api.get(f"/api/v1/nominations/{draft.pk}/legal-products/{product.pk}/document/")
        for served in (page, document):
            assert served.status_code == 200
            assert served["Content-Type"] == "application/pdf"
            assert served["Content-Disposition"].startswith("attachment;")
            assert served["X-Content-Type-Options"] == "nosniff"
            assert b"".join(served.streaming_content) == content
