"""A business's name reads as what it is (issue 24, item 11): look-alike Cyrillic or Greek
letters mixed with Latin ones, text-direction controls and invisible characters are refused
with a message at the name, on the branch page, in the API and in a spreadsheet import (the row
and the column named); nothing is stored. Names are kept in their NFKC form with single spaces,
and Indonesian names with diacritics, digits and punctuation are accepted as they are."""

import csv
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import translation
from rest_framework.test import APIClient

from candidates import validators
from candidates.enums import ImportStatus
from candidates.models import Candidate, Category, Edition, ImportJob, Nomination
from candidates.spreadsheets import BUSINESS_COLUMNS
from tests.security.xlsx_files import workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

MIXED = (
    "A name is written in one alphabet: this one mixes Latin letters with Cyrillic or Greek "
    "ones that look like them (%(letters)s)."
)
HIDDEN = (
    "A name cannot hold invisible or text-direction control characters (%(characters)s): type "
    "it again without them."
)

# name → the message it gets (in English).
REFUSED = {
    # "PT Maju" with a Cyrillic Р (U+0420) and а (U+0430).
    "\u0420T M\u0430ju Jaya": MIXED % {"letters": "Р U+0420, а U+0430"},
    # A Greek omicron in "Sentosa".
    "CV Sent\u03bfsa": MIXED % {"letters": "ο U+03BF"},
    # A right-to-left override: "PT Maju" followed by reversed text.
    "PT Maju \u202eatakaJ": HIDDEN % {"characters": "U+202E"},
    "PT Maju \u2067Jaya\u2069": HIDDEN % {"characters": "U+2067, U+2069"},
    "PT\u200f Maju": HIDDEN % {"characters": "U+200F"},
    "PT Ma\u200bju": HIDDEN % {"characters": "U+200B"},
    "PT Maju\u200d Jaya\ufeff": HIDDEN % {"characters": "U+200D, U+FEFF"},
}

ACCEPTED = {
    "PT. Karya Anak Bangsa (Persero) Tbk": "PT. Karya Anak Bangsa (Persero) Tbk",
    "CV Sumber Rejeki & Sons": "CV Sumber Rejeki & Sons",
    "Koperasi Unit Desa “Sido Makmur” 02": "Koperasi Unit Desa “Sido Makmur” 02",
    "PT Café Ñusantara Jérôme-Ümar": "PT Café Ñusantara Jérôme-Ümar",
    # NFKC: full-width letters and a ligature become plain ones; spaces are collapsed.
    "  PT   \uff2d\uff41\uff4a\uff55\u00a0\ufb01nansial\t ": "PT Maju finansial",
}


def _in(language: str, message: str, params: dict) -> str:
    with translation.override(language):
        return translation.gettext(message) % params


@pytest.mark.parametrize("name", ACCEPTED)
def test_indonesian_names_are_accepted_in_their_normal_form(name):
    assert validators.normalise_name(name) == ACCEPTED[name]


@pytest.mark.parametrize("name", REFUSED)
def test_look_alike_and_hidden_characters_are_refused_by_the_validator(name):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validators.normalise_name(name)
    assert refused.value.message_dict == {"name": [REFUSED[name]]}


def _register_on_the_page(client, name):
    return client.post(
        "/branch/nominations/new/business/",
        {
            "category": Category.objects.get(edition__year=2021, code="usaha-besar").pk,
            "npp": "75009999",
            "name": name,
            "scale": "large",
            "regency": "75.71",
        },
    )


@pytest.mark.parametrize("name", REFUSED)
def test_a_spoofed_name_is_refused_on_the_branch_page(client, gorontalo, name):
    client.force_login(gorontalo)
    before = (Candidate.objects.count(), Nomination.objects.count())

    response = _register_on_the_page(client, name)

    assert response.status_code == 200
    message = MIXED if "alphabet" in REFUSED[name] else HIDDEN
    params = _params(name)
    assert response.context["form"].errors == {"name": [_in("id", message, params)]}
    assert (Candidate.objects.count(), Nomination.objects.count()) == before


def _params(name: str) -> dict:
    text = REFUSED[name]
    inside = text[text.rindex("(") + 1 : text.rindex(")")]
    return {"letters": inside} if "alphabet" in text else {"characters": inside}


def test_a_normal_name_is_stored_in_its_normal_form_from_the_branch_page(client, gorontalo):
    client.force_login(gorontalo)

    response = _register_on_the_page(client, "  PT   \uff2d\uff41\uff4a\uff55  Gorontalo ")

    assert response.status_code == 302
    assert Candidate.objects.get(npp="75009999").name == "PT Maju Gorontalo"


@pytest.mark.parametrize("name", REFUSED)
def test_a_spoofed_name_is_refused_by_the_api(gorontalo, name):
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(gorontalo)
    before = Candidate.objects.count()

    response = api.post(
        "/api/v1/candidates/",
        {"kind": "business", "npp": "75009999", "name": name, "scale": "large", "regency": "75.71"},
        format="json",
    )

    assert (response.status_code, response.json()) == (400, {"name": [REFUSED[name]]})
    assert Candidate.objects.count() == before


def _row(npp: str, name: str) -> list:
    values = {"npp": npp, "name": name, "scale": "besar", "regency": "75.71"}
    return [values.get(c.field) for c in BUSINESS_COLUMNS]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.header for c in BUSINESS_COLUMNS])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_spoofed_name_in_an_import_is_refused_at_its_row_and_column(
    client, gorontalo, suffix, tasks_in_process
):
    names = list(REFUSED)
    rows = [_row("75008000", "PT Maju Bersama")]
    rows += [_row(f"7500800{i + 1}", name) for i, name in enumerate(names)]
    content = workbook(rows) if suffix == "xlsx" else _csv(rows)
    client.force_login(gorontalo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = (Candidate.objects.count(), Nomination.objects.count())

    # The check is a task sent when the request's transaction commits (in-process here).
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/branch/import/",
            {
                "kind": "business",
                "edition": Edition.objects.get(year=2021).pk,
                "file": SimpleUploadedFile(f"usaha.{suffix}", content),
            },
        )

    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.INVALID
    assert job.errors == [
        {"row": 3 + i, "column": "Nama badan usaha", "message": REFUSED[name]}
        for i, name in enumerate(names)
    ]
    assert (Candidate.objects.count(), Nomination.objects.count()) == before
