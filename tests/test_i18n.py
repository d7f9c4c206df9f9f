"""Bahasa Indonesia by default, English on request; both catalogues complete and compiled."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, number_format

# The demo is built once for the module (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("demo_once")

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_default_language_is_indonesian():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


@pytest.mark.django_db
def test_home_lists_demo_editions_in_indonesian(client, demo):
    page = client.get("/").content.decode()
    assert '<html lang="id">' in page
    assert "Edisi" in page
    assert "Periode data: 1 Januari–31 Desember 2020" in page
    for year in ("2018", "2020", "2021"):
        assert f"Paritrana Award {year}" in page
    assert "2.018" not in page


@pytest.mark.django_db
def test_home_in_english_after_switching_language(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Editions" in page
    assert "Data period: 1 January–31 December 2020" in page


@pytest.mark.parametrize(
    ("language", "number", "day"),
    [("id", "1.234.567", "17 Agustus 2026"), ("en", "1,234,567", "17 August 2026")],
)
def test_number_and_date_formats(language, number, day):
    with translation.override(language):
        assert number_format(1234567) == number
        assert date_format(date(2026, 8, 17)) == day


def _entries(po: Path):
    """(msgctxt, msgid, msgstr list, fuzzy) for each entry of a .po file."""
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, list[str]] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = [match.group(2)]
            elif line.startswith('"') and key:
                fields[key].append(line[1:-1])
        if "msgid" not in fields:
            continue
        joined = {
            k: "".join(v).encode().decode("unicode_escape").encode("latin-1").decode()
            for k, v in fields.items()
        }
        if joined["msgid"] == "":
            continue  # header
        strs = [v for k, v in joined.items() if k.startswith("msgstr")]
        yield joined.get("msgctxt"), joined["msgid"], joined.get("msgid_plural"), strs, fuzzy


@pytest.mark.parametrize("language", ["id", "en"])
def test_catalogue_is_complete_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()
    entries = list(_entries(po))
    assert len(entries) > 100
    untranslated = [msgid for _, msgid, _, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert untranslated == []
    with translation.override(language):
        for context, msgid, plural, strs, _ in entries:
            if plural:
                got = translation.ngettext(msgid, plural, 1)
            elif context:
                got = translation.pgettext(context, msgid)
            else:
                got = translation.gettext(msgid)
            assert got == strs[0], (
                f"{language}: {msgid!r} compiled as {got!r}, catalogue says {strs[0]!r}"
            )
