"""The decision file of a nominee (scoring.decision, scoring.views_decision, scoring.api_decision,
paritrana.pdf): every role on the page, the PDF and the API; what the file holds for a
provincial and a national nominee (scores and notes per assessor and criterion, criterion
scores, totals, ranks, labels, tie decisions, conflicts, attendance, awards and the record of
every change); assessors named or numbered by who reads; blindness; the PDF's content and its
fetcher, which loads nothing but the site's static files; and a fixed number of queries."""

import re
import socket
import urllib.request
import zlib
from decimal import Decimal as D
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.enums import Role
from accounts.services import role_assign
from candidates.enums import NominationState
from candidates.models import Province, Regency
from paritrana.pdf import RefusedURL, StaticFilesFetcher, render_pdf
from scoring import services
from scoring.enums import CriterionKind, StageKind
from scoring.models import Criterion
from tests.factories import (
    BranchFactory,
    EditionFactory,
    NominationFactory,
    RegencyGovernmentFactory,
    UserFactory,
)
from tests.replay import replayed

from .conftest import criterion

pytestmark = pytest.mark.django_db

C, J = CriterionKind.COMPUTED, CriterionKind.JUDGED
CONFLICT = "Saudara kandung bekerja di Pemkot Bogor."
TIE = "Lebih banyak inovasi yang berjalan."
PANEL_JABAR = "Provincial panel Jawa Barat 2030"
STATIC_CSS = Path(settings.BASE_DIR) / "static" / "css" / "decision.css"


# ---------------------------------------------------------------------------------------------
# Reading the page and the PDF


class Node:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def text(self) -> str:
        parts = []

        def walk(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join(" ".join(parts).split())

    def all(self, attr, value=None) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if attr in child.attrs and (value is None or child.attrs[attr] == value):
                    found.append(child)
                found += child.all(attr, value)
        return found

    def one(self, attr, value=None) -> "Node":
        found = self.all(attr, value)
        assert len(found) == 1, (attr, value, len(found))
        return found[0]


class Tree(HTMLParser):
    VOID = {"br", "input", "img", "meta", "link", "hr"}

    def __init__(self, html: str):
        super().__init__()
        self.root = Node("root", {})
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def page(response) -> Node:
    assert response.status_code == 200
    return Tree(response.content.decode()).root.one("data-nomination")


def columns(section: Node) -> list[tuple[str, str, str]]:
    """(assessor, state of their scoresheet, why excluded) per column of a stage."""
    return [
        (
            th.one("data-assessor").text,
            th.one("data-sheet-state").attrs["data-sheet-state"],
            " ".join(n.text for n in th.all("data-excluded-because")),
        )
        for th in section.all("data-column")
    ]


def criteria(section: Node) -> dict[str, dict]:
    rows = {}
    for tr in section.all("data-criterion"):
        cells = []
        for td in tr.children:
            if isinstance(td, Node) and "score-cell" in td.attrs.get("class", ""):
                score = td.all("data-score")
                cells.append((score[0].text, td.one("data-note").text) if score else None)
        rows[tr.attrs["data-criterion"]] = {
            "weight": tr.one("data-weight").text,
            "cells": cells,
            "score": tr.one("data-criterion-score").text,
            "contribution": tr.one("data-contribution").text,
        }
    return rows


def summary(section: Node) -> dict[str, str]:
    names = ("data-total", "data-rank", "data-label", "data-outcome", "data-attendance",
             "data-attendance-factor")  # fmt: skip
    return {name[5:]: section.one(name).text for name in names if section.all(name)}


def record(file: Node) -> list[tuple[str, str, str, str]]:
    return [
        (
            tr.attrs["data-event"],
            tr.one("data-what").text,
            tr.one("data-by").text,
            tr.one("data-reason").text,
        )
        for tr in file.all("data-event")
    ]


def pdf_text(data: bytes) -> list[str]:
    """The lines of text drawn on the pages of a WeasyPrint PDF, one per text operator.

    Neither pypdf nor poppler's pdftotext is installed here: this reads the little of PDF that
    WeasyPrint writes (objects, object streams, Flate streams, Type0 fonts whose ToUnicode CMap
    maps each two-byte glyph code to its text)."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        raw = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)[1]
        return zlib.decompress(raw) if b"/FlateDecode" in body.split(b"stream")[0] else raw

    for body in list(objects.values()):
        head = body.split(b"stream")[0]
        if b"/ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head)[1])
            content = stream(body)
            numbers = [int(n) for n in content[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            ends = [offset for _n, offset in pairs[1:]] + [len(content) - first]
            for (number, offset), end in zip(pairs, ends, strict=True):
                objects[number] = content[first + offset : first + end]

    def cmap(number: int) -> dict[int, str]:
        text = stream(objects[number]).decode("latin-1")
        mapping = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(r"<(\w+)>\s*<(\w+)>", block):
                mapping[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
            for low, high, dst in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    mapping[code] = chr(int(dst, 16) + offset)
        return mapping

    lines = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Page\b", body):
            continue
        resources = re.search(rb"/Resources (\d+) 0 R", body)
        resources = objects[int(resources[1])] if resources else body
        fonts = re.search(rb"/Font (\d+) 0 R", resources)
        fonts = objects[int(fonts[1])] if fonts else resources
        maps = {}
        for name, number in re.findall(rb"/([\w.-]+) (\d+) 0 R", fonts):
            unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(number), b""))
            if unicode:
                maps[name.decode()] = cmap(int(unicode[1]))
        operations = stream(objects[int(re.search(rb"/Contents (\d+) 0 R", body)[1])])
        font = {}
        for op in re.finditer(
            r"/([\w.-]+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<(\w*)>\s*Tj", operations.decode("latin-1")
        ):
            if op[1]:
                font = maps.get(op[1], {})
                continue
            codes = "".join(re.findall(r"<(\w*)>", op[2] if op[2] is not None else f"<{op[3]}>"))
            lines.append(
                "".join(font.get(int(codes[i : i + 4], 16), "?") for i in range(0, len(codes), 4))
            )
    return lines


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def urls(panel, nomination) -> dict[str, str]:
    args = [panel.pk, nomination.pk]
    return {
        "page": reverse("scoring:decision", args=args),
        "pdf": reverse("scoring:decision_pdf", args=args),
        "api": f"/api/v1/scoring/panels/{panel.pk}/decisions/{nomination.pk}/",
    }


# ---------------------------------------------------------------------------------------------
# Rounds


@pytest.fixture
def decided(make_round):
    """Built once per process and replayed (tests/replay.py): see _build_decided."""
    return replayed(f"{__name__}.decided", lambda: _build_decided(make_round))


def _build_decided(make_round):
    """Jawa Barat 2030 (chair Ketua, members Anggota 1 and 2): a judged criterion (weight 3)
    and PU coverage (weight 1, 0 points at 50 %, 100 at 100 %). Kota Bogor and Kota Sukabumi
    tie at 76.25 and the chair puts Bogor first; Anggota 2 declared a conflict with Bogor;
    Anggota 1 corrected a score of Bogor. The ranking is finalised: Bogor advances."""
    round_ = make_round(
        [
            criterion("a", J, weight=3),
            criterion("b", C, weight=1, indicator="pu_coverage", zero_at=D("0.5"), full_at=D(1)),
        ]
    )
    chair, first, second = round_.members
    x = round_.nominate("32.71", pu_coverage=D("0.9"))
    y = round_.nominate("32.72", pu_coverage=D("0.9"))
    z = round_.nominate("32.73", pu_coverage=D("0.4"))
    services.conflict_declare(actor=second, panel=round_.panel, nomination=x, reason=CONFLICT)
    round_.score(chair, x, 80, notes={"a": "Regulasi kuat."})
    round_.score(first, x, 68, notes={"a": "Cakupan PU baik."})
    round_.score(first, x, 70, notes={"a": "Cakupan PU baik."}, reason="Salah ketik.")
    for person, (for_y, for_z) in zip(round_.members, [(80, 60), (70, 65), (75, "62.5")],
                                      strict=True):  # fmt: skip
        round_.score(person, y, for_y)
        round_.score(person, z, for_z)
    round_.open(StageKind.PROVINCIAL_RESULT)
    services.tie_decide(
        actor=chair, panel=round_.panel, category=round_.category, order=[x, y], reason=TIE
    )
    services.ranking_finalise(actor=chair, panel=round_.panel, category=round_.category)
    return round_, x, y


@pytest.fixture
def people(decided):
    """Built once per process and replayed (tests/replay.py): see _build_people."""
    return replayed(f"{__name__}.people", lambda: _build_people(decided))


def _build_people(decided):
    round_, x, y = decided
    branch = UserFactory(email="cabang@example.test")
    role_assign(user=branch, role=Role.BRANCH_STAFF, branch=BranchFactory())
    jury = services.panel_get_or_create(edition=round_.edition, province=None)
    juror = UserFactory(email="juri@example.test", first_name="Juri")
    services.panel_member_add(panel=jury, user=juror)
    jateng = services.panel_get_or_create(
        edition=round_.edition, province=Province.objects.get(code="33")
    )
    elsewhere = UserFactory(email="jateng@example.test")
    services.panel_member_add(panel=jateng, user=elsewhere)
    admin = UserFactory(email="admin@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test", first_name="Auditor")
    role_assign(user=auditor, role=Role.AUDITOR, edition=round_.edition)
    old_auditor = UserFactory(email="auditor2029@example.test")
    role_assign(user=old_auditor, role=Role.AUDITOR, edition=EditionFactory(year=2029))
    persons = {
        "branch staff": branch,
        "jury member": juror,
        "other province's member": elsewhere,
        "other edition's auditor": old_auditor,
        "member": round_.members[1],
        "excluded member": round_.members[2],
        "chair": round_.chair,
        "national admin": admin,
        "auditor": auditor,
    }
    return round_, jury, x, y, persons


# ---------------------------------------------------------------------------------------------
# Every role


# GET of the page, the PDF and the API through the provincial panel
READ = {
    "branch staff": 403,
    "jury member": 404,
    "other province's member": 404,
    "other edition's auditor": 404,
    "member": 200,
    "excluded member": 200,
    "chair": 200,
    "national admin": 200,
    "auditor": 200,
}


def test_routes_are_below_the_panel(people):
    round_, _jury, x, _y, _persons = people
    p, n = round_.panel.pk, x.pk
    assert urls(round_.panel, x) == {
        "page": f"/panel/{p}/decisions/{n}/",
        "pdf": f"/panel/{p}/decisions/{n}/decision.pdf",
        "api": f"/api/v1/scoring/panels/{p}/decisions/{n}/",
    }


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client, people):
    round_, _jury, x, _y, _persons = people
    addresses = urls(round_.panel, x)
    for route in ("page", "pdf"):
        response = client.get(addresses[route])
        assert (response.status_code, response["Location"]) == (
            302,
            f"/accounts/login/?next={addresses[route]}",
        )
    assert client.get(addresses["api"]).status_code == 403


@pytest.mark.parametrize("role", sorted(READ))
def test_each_role_gets_the_page_pdf_and_api_or_not(client, people, role):
    round_, _jury, x, _y, persons = people
    client.force_login(persons[role])
    addresses = urls(round_.panel, x)
    answers = {route: client.get(address).status_code for route, address in addresses.items()}
    assert answers == dict.fromkeys(addresses, READ[role])


def test_jury_reads_a_provincial_nominee_once_it_is_in_the_national_round(client, people):
    _round, jury, x, y, persons = people
    answers = {}
    for role in ("jury member", "chair", "national admin"):
        client.force_login(persons[role])
        for name, nomination in (("advanced", x), ("not advanced", y)):
            answers[role, name] = client.get(urls(jury, nomination)["page"]).status_code
    assert answers == {
        ("jury member", "advanced"): 200,
        ("jury member", "not advanced"): 404,
        # The provincial chair does not sit on the jury: its pages do not exist for them.
        ("chair", "advanced"): 404,
        ("chair", "not advanced"): 404,
        ("national admin", "advanced"): 200,
        ("national admin", "not advanced"): 404,
    }


def test_a_draft_or_another_provinces_nominee_is_404_even_for_the_secretariat(client, people):
    round_, _jury, _x, _y, persons = people
    draft = round_.nominate("32.74", state=NominationState.DRAFT)
    central_java = NominationFactory(
        category=round_.category,
        candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code="33.74")),
        state=NominationState.VERIFIED,
    )
    client.force_login(persons["national admin"])
    for nomination in (draft, central_java):
        addresses = urls(round_.panel, nomination)
        assert [client.get(a).status_code for a in addresses.values()] == [404, 404, 404]


# ---------------------------------------------------------------------------------------------
# What the file holds


def test_chair_reads_every_score_note_total_and_decision_with_names(client, people):
    round_, _jury, x, _y, persons = people
    client.force_login(persons["chair"])
    response = english(client).get(urls(round_.panel, x)["page"])
    assert response["Cache-Control"] == "private, no-store"
    file = page(response)
    assert file.one("data-candidate").text == "Pemerintah Kota Bogor"
    assert file.one("data-state").text == "Advanced to national"
    section = file.one("data-stage", "provincial_assessment")
    assert columns(section) == [
        ("Ketua (you)", "submitted", ""),
        ("Anggota 1", "submitted", ""),
        ("Anggota 2", "excluded", CONFLICT),
    ]
    assert criteria(section) == {
        "a": {
            "weight": "3.00",
            "cells": [("80.00", "Regulasi kuat."), ("70.00", "Cakupan PU baik."), None],
            "score": "75.00 2 scores counted",
            "contribution": "56.25",
        },
        "b": {"weight": "1.00", "cells": [None, None, None], "score": "80.00",
              "contribution": "20.00"},
    }  # fmt: skip
    assert summary(section) == {
        "total": "76.25",
        "rank": "1",
        "label": "1st place",
        "outcome": "Advanced to the national round",
    }
    assert section.one("data-tie-reason").text == TIE
    tie = section.one("data-tie").text
    assert "Placed at position 1 within the tie. Decided by Ketua on" in tie
    assert [
        (row.one("data-assessor").text, row.one("data-conflict-reason").text)
        for row in file.all("data-conflict")
    ] == [("Anggota 2", CONFLICT)]
    # Every record of the nominee, in the order they were written (issue 25 item 5).
    assert record(file) == [
        ("conflict", "Anggota 2 excluded (Declared)", "Anggota 2", CONFLICT),
        ("scoresheet", "Provincial assessment: scoresheet submitted", "Ketua", "A: 80.00"),
        ("scoresheet", "Provincial assessment: scoresheet submitted", "Anggota 1", "A: 68.00"),
        (
            "score_change",
            "Provincial assessment, A: 68.00 → 70.00",
            "Anggota 1",
            "Salah ketik. Previous note: Cakupan PU baik.",
        ),
        ("tie", "Provincial assessment: tie decided, position 1", "Ketua", TIE),
        ("transition", "Verified → Scored", "Ketua", ""),
        ("provincial_label", "Provincial label given: 1st place", "Ketua", ""),
        ("transition", "Scored → Advanced to national", "Ketua", ""),
        (
            "finalised",
            "Provincial assessment: ranking finalised, rank 1, total 76.25",
            "Ketua",
            "",
        ),
    ]
    assert file.one("data-indicator").text == "90.00 %"


@pytest.mark.parametrize("role", ["national admin", "auditor"])
def test_secretariat_and_auditor_read_the_names(client, people, role):
    round_, _jury, x, _y, persons = people
    client.force_login(persons[role])
    file = page(english(client).get(urls(round_.panel, x)["page"]))
    section = file.one("data-stage", "provincial_assessment")
    assert [c[0] for c in columns(section)] == ["Ketua", "Anggota 1", "Anggota 2"]
    assert [(e[0], e[2]) for e in record(file)] == [
        ("conflict", "Anggota 2"),
        ("scoresheet", "Ketua"),
        ("scoresheet", "Anggota 1"),
        ("score_change", "Anggota 1"),
        ("tie", "Ketua"),
        ("transition", "Ketua"),
        ("provincial_label", "Ketua"),
        ("transition", "Ketua"),
        ("finalised", "Ketua"),
    ]


def test_member_reads_numbered_assessors_and_no_name(client, people):
    round_, _jury, x, _y, persons = people
    client.force_login(persons["member"])
    file = page(english(client).get(urls(round_.panel, x)["page"]))
    section = file.one("data-stage", "provincial_assessment")
    assert columns(section) == [
        ("Assessor 1", "submitted", ""),
        ("Assessor 2 (you)", "submitted", ""),
        ("Assessor 3", "excluded", CONFLICT),
    ]
    assert criteria(section)["a"]["cells"] == [
        ("80.00", "Regulasi kuat."),
        ("70.00", "Cakupan PU baik."),
        None,
    ]
    chair = f"chair of the panel, {PANEL_JABAR}"
    you = f"Assessor 2 (you), {PANEL_JABAR}"
    submitted = "Provincial assessment: scoresheet submitted"
    # A scoresheet reads as its assessor's, the chair's too (Assessor 1): which column is the
    # chair's stays unknown.
    assert [(e[0], e[1], e[2]) for e in record(file)] == [
        ("conflict", "Assessor 3 excluded (Declared)", f"Assessor 3, {PANEL_JABAR}"),
        ("scoresheet", submitted, f"Assessor 1, {PANEL_JABAR}"),
        ("scoresheet", submitted, you),
        ("score_change", "Provincial assessment, A: 68.00 → 70.00", you),
        ("tie", "Provincial assessment: tie decided, position 1", chair),
        ("transition", "Verified → Scored", chair),
        ("provincial_label", "Provincial label given: 1st place", chair),
        ("transition", "Scored → Advanced to national", chair),
        ("finalised", "Provincial assessment: ranking finalised, rank 1, total 76.25", chair),
    ]  # fmt: skip
    assert "Decided by chair of the panel on" in section.one("data-tie").text
    for name in ("Ketua", "Anggota 2", "ketua@example.test", "anggota2@example.test"):
        assert name not in file.text


def test_api_holds_the_same_file(client, people):
    round_, _jury, x, _y, persons = people
    client.force_login(persons["member"])
    data = english(client).get(urls(round_.panel, x)["api"]).json()
    assert data["nomination"]["id"] == x.pk
    # Bogor advanced: it is in the jury's national selection, which a provincial member does
    # not read until the national results are published (issue 24 item 9).
    assert data["names"] == [{"panel": PANEL_JABAR, "named": False}]
    assert [s["kind"] for s in data["stages"]] == ["provincial_assessment"]
    assert data["national_withheld"] is True
    stage = data["stages"][0]
    assert (stage["kind"], stage["total"], stage["rank"], stage["label"], stage["outcome"]) == (
        "provincial_assessment",
        "76.25",
        1,
        "1st place",
        "Advanced to the national round",
    )
    assert [(c["label"], c["state"], c["excluded_because"]) for c in stage["columns"]] == [
        ("Assessor 1", "submitted", ""),
        ("Assessor 2 (you)", "submitted", ""),
        ("Assessor 3", "excluded", CONFLICT),
    ]
    assert [
        (c["code"], c["weight"], c["score"], c["contribution"], c["counted"], c["cells"])
        for c in stage["criteria"]
    ] == [
        ("a", "3.00", "75.00", "56.25", 2, [
            {"value": "80.00", "note": "Regulasi kuat.", "counts": True},
            {"value": "70.00", "note": "Cakupan PU baik.", "counts": True},
            None,
        ]),
        ("b", "1.00", "80.00", "20.00", 0, [None, None, None]),
    ]  # fmt: skip
    assert (stage["tie"]["position"], stage["tie"]["reason"], stage["tie"]["decided_by"]) == (
        1,
        TIE,
        "chair of the panel",
    )
    assert [(c["assessor"], c["reason"]) for c in data["conflicts"]] == [("Assessor 3", CONFLICT)]
    assert [e["kind"] for e in data["record"]] == [
        "conflict", "scoresheet", "scoresheet", "score_change", "tie", "transition",
        "provincial_label", "transition", "finalised",
    ]  # fmt: skip
    assert data["data"]["indicators"] == [
        {"label": "PU coverage", "value": "0.9000", "unit": "percent"}
    ]


def test_member_sees_no_other_score_before_submitting_their_own(client, make_round):
    round_ = make_round([criterion("a", J)])
    chair, first, second = round_.members
    x = round_.nominate("32.71")
    y = round_.nominate("32.72")
    round_.score(chair, x, 80, notes={"a": "Catatan ketua."})
    round_.score(second, x, 60, notes={"a": "Catatan anggota dua."})
    round_.score(first, x, 70, submit=False, notes={"a": "Draf saya."})
    client.force_login(first)
    address = urls(round_.panel, x)["page"]

    file = page(english(client).get(address))
    section = file.one("data-stage", "provincial_assessment")
    assert [n.attrs["data-blind"] for n in section.all("data-blind")] == ["ranking", "scores"]
    assert columns(section) == [("Assessor 2 (you)", "draft", "")]
    assert criteria(section)["a"]["cells"] == [("70.00", "Draf saya.")]
    assert summary(section) == {"total": "—", "rank": "—"}
    assert "Catatan ketua." not in file.text
    assert "Catatan anggota dua." not in file.text

    round_.score(first, x, 70, notes={"a": "Catatan saya."})
    section = page(english(client).get(address)).one("data-stage", "provincial_assessment")
    assert [n.attrs["data-blind"] for n in section.all("data-blind")] == ["ranking"]
    assert criteria(section)["a"]["cells"] == [
        ("80.00", "Catatan ketua."),
        ("70.00", "Catatan saya."),
        ("60.00", "Catatan anggota dua."),
    ]
    assert summary(section) == {"total": "—", "rank": "—"}

    round_.score(first, y, 50)
    section = page(english(client).get(address)).one("data-stage", "provincial_assessment")
    assert section.all("data-blind") == []
    assert summary(section) == {"total": "70.00", "rank": "1", "outcome": "Ranking not finalised"}
    assert section.one("data-frozen").text == "Not finalised: live figures"


def test_national_file_holds_interview_attendance_result_and_awards(client, make_national):
    # What the services store (the stages' names in the snapshots) is written in the active
    # language; the file is read in English.
    with translation.override("en"):
        round_ = make_national()
        sel, itv, res = (
            StageKind.NATIONAL_SELECTION,
            StageKind.NATIONAL_INTERVIEW,
            StageKind.NATIONAL_RESULT,
        )
        a, b, c = round_.nominate("32.75"), round_.nominate("32.71"), round_.nominate("32.73")
        for nomination, value in ((a, 80), (b, 90), (c, 70)):
            round_.score_all(sel, nomination, value)
        round_.select()
        round_.open(itv, res)
        for nomination, value in ((a, 100), (b, 80), (c, 90)):
            round_.score_all(itv, nomination, value)
        round_.attend(a, "head", "Tri Adhianto, Wali Kota")
        round_.attend(b, "secretary")
        round_.attend(c, "deputy")
        final = round_.finalise()
        for juror in round_.members[1:]:
            services.ranking_confirm(actor=juror, snapshot=final)
    client.force_login(round_.chair)
    file = page(english(client).get(urls(round_.panel, a)["page"]))

    assert [s.attrs["data-stage"] for s in file.all("data-stage")] == [
        "national_selection",
        "national_interview",
        "national_result",
    ]
    selection = file.one("data-stage", "national_selection")
    assert summary(selection) == {"total": "80.00", "rank": "2", "outcome": "Finalist"}
    assert [c[0] for c in columns(selection)] == ["Ketua Juri (you)", "Juri 1", "Juri 2"]
    interview = file.one("data-stage", "national_interview")
    assert criteria(interview) == {
        "interview": {
            "weight": "1.00",
            "cells": [("100.00", "catatan interview")] * 3,
            "score": "100.00 100.00 × attendance factor 1.00 3 scores counted",
            "contribution": "100.00",
        }
    }
    result = file.one("data-stage", "national_result")
    assert summary(result) == {
        "total": "88.00",
        "rank": "1",
        "label": "1st place",
        "outcome": "Awarded",
        "attendance": "Head of region or company director (Tri Adhianto, Wali Kota)",
        "attendance-factor": "1.00",
    }
    assert [row.text for row in result.all("data-component")] == [
        "National selection 60.00 80.00 2",
        "National interview 40.00 100.00 1",
    ]
    assert [row.text.split(" — ")[0] for row in result.all("data-confirmation")] == [
        "Ketua Juri",
        "Juri 1",
        "Juri 2",
    ]
    section = file.one("id", "decision-interview")
    assert (
        section.one("data-attendance").text,
        section.one("data-attendance-factor").text,
        section.one("data-attendee").text,
        section.one("data-minutes").text,
    ) == (
        "Head of region or company director",
        "1.00",
        "Tri Adhianto, Wali Kota",
        "Paparan dan tanya jawab.",
    )
    assert [row.attrs["data-award"] for row in file.all("data-award")] == ["current"]
    assert file.one("data-award").one("scope", "row").text == "1st place (rank 1)"
    assert [(e[0], e[1]) for e in record(file) if e[0] in ("transition", "signed_off")] == [
        ("transition", "Advanced to national → Finalist"),
        ("signed_off", "National result: signed off by every juror"),
        ("transition", "Finalist → Awarded"),
    ]
    assert [e[1] for e in record(file) if e[0] == "award"] == ["Award given: 1st place"]
    # In Bahasa Indonesia the same file says Peringkat I (SPEC §1's glossary).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    file_id = page(client.get(urls(round_.panel, a)["page"]))
    assert summary(file_id.one("data-stage", "national_result"))["label"] == "Peringkat I"
    assert file_id.one("data-award").one("scope", "row").text.startswith("Peringkat I (")
    [given] = [e[1] for e in record(file_id) if e[0] == "award"]
    assert given.endswith(": Peringkat I")


def test_reopened_national_result_keeps_the_withdrawn_award_and_the_reason(client, make_national):
    round_ = make_national(finalist_quota=1, national_labels=1)
    sel, itv, res = (
        StageKind.NATIONAL_SELECTION,
        StageKind.NATIONAL_INTERVIEW,
        StageKind.NATIONAL_RESULT,
    )
    a = round_.nominate("32.75")
    round_.score_all(sel, a, 80)
    round_.select()
    round_.open(itv, res)
    round_.score_all(itv, a, 90)
    round_.attend(a, "deputy")
    final = round_.finalise()
    for juror in round_.members[1:]:
        services.ranking_confirm(actor=juror, snapshot=final)
    services.ranking_reopen(actor=round_.chair, snapshot=final, reason="Kehadiran salah dicatat.")
    client.force_login(round_.members[1])
    file = page(english(client).get(urls(round_.panel, a)["page"]))
    result = file.one("data-stage", "national_result")
    # Blind again: the member has scored every interview, the ranking is live.
    assert summary(result) == {
        "total": "80.40",  # 0.6 × 80 + 0.4 × (90 × 0.90 = 81)
        "rank": "1",
        "outcome": "Ranking not finalised",
        "attendance": "Deputy head of region or deputy director (Wali Kota)",
        "attendance-factor": "0.90",
    }
    assert [r.one("data-reopen-reason").text for r in result.all("data-snapshot", "reopened")] == [
        "Kehadiran salah dicatat."
    ]
    award = file.one("data-award", "withdrawn")
    assert award.one("data-withdrawn-reason").text == "Kehadiran salah dicatat."
    chair, last = "chair of the panel, National jury 2031", "Assessor 3, National jury 2031"
    assert [(e[0], e[1], e[2], e[3]) for e in record(file)][-9:] == [
        ("confirmed", "National result: ranking confirmed", "Assessor 2 (you), National jury 2031",
         ""),
        ("confirmed", "National result: ranking confirmed", last, ""),
        # Signed off by the last juror to confirm.
        ("signed_off", "National result: signed off by every juror", last, ""),
        ("award", "Award given: 1st place", last, ""),
        ("transition", "Finalist → Awarded", last, ""),
        ("national_result", "National result: 1st place, rank 1", last, ""),
        ("reopened", "National result: ranking reopened", chair, "Kehadiran salah dicatat."),
        ("award_withdrawn", "Award withdrawn: 1st place", chair, "Kehadiran salah dicatat."),
        ("transition", "Awarded → Finalist", chair,
         "Kehadiran salah dicatat. National rank: 1 → —; National result: 1st place → —"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The PDF


def test_pdf_holds_the_candidate_and_its_total(client, people):
    round_, _jury, x, _y, persons = people
    client.force_login(persons["auditor"])
    response = english(client).get(urls(round_.panel, x)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="paritrana-keputusan-2030-pemerintah-kota-bogor-kab-kota.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    lines = pdf_text(response.content)
    assert "Pemerintah Kota Bogor" in lines
    assert "76.25" in lines
    assert TIE in lines


def test_name_with_markup_is_escaped_and_fetches_nothing(client, make_round, monkeypatch):
    round_ = make_round()
    name = 'Kota <img src="http://example.com/x.png">'
    nomination = NominationFactory(
        category=round_.category,
        candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code="32.75"), name=name),
        state=NominationState.VERIFIED,
    )
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    client.force_login(admin)
    addresses = urls(round_.panel, nomination)
    html = client.get(addresses["page"]).content.decode()
    assert "Kota &lt;img src=&quot;http://example.com/x.png&quot;&gt;" in html
    assert '<img src="http://example.com' not in html

    requested = []
    fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        requested.append(url)
        return fetch(self, url, headers)

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    response = client.get(addresses["pdf"])
    assert response.status_code == 200
    assert requested == ["http://testserver/static/css/decision.css"]
    assert name in pdf_text(response.content)


def test_fetcher_serves_static_files_only():
    fetcher = StaticFilesFetcher("http://testserver/panel/1/decisions/2/decision.pdf")
    response = fetcher("http://testserver/static/css/decision.css")
    assert (response.read(), response.content_type) == (STATIC_CSS.read_bytes(), "text/css")
    for url in (
        "http://example.com/x.png",
        "https://testserver/static/css/decision.css",
        "http://testserver/media/x.png",
        "http://testserver/static/../paritrana/settings.py",
        "http://testserver/static/%2e%2e/paritrana/settings.py",
        "http://testserver/static/css/missing.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
    ):
        with pytest.raises(RefusedURL):
            fetcher(url)


def test_render_pdf_ignores_what_it_may_not_fetch(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    pdf = render_pdf(
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="http://example.com/x.png"><p>Tanpa gambar.</p>',
        base_url="http://testserver/",
    )
    assert pdf.startswith(b"%PDF")
    assert pdf_text(pdf) == ["Tanpa gambar."]


# ---------------------------------------------------------------------------------------------
# Queries


def test_queries_do_not_grow_with_assessors_criteria_and_changes(client, make_round):
    round_ = make_round([criterion("a", J)])
    x, y = round_.nominate("32.71"), round_.nominate("32.72")
    for person in round_.members:
        round_.score(person, x, 70)
        round_.score(person, y, 60)
    admin = UserFactory(email="admin@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    client.force_login(admin)
    address = urls(round_.panel, x)["page"]

    def count() -> int:
        client.get(address)  # sessions and caches settle
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    small = count()
    Criterion.objects.create(rubric=round_.rubric, code="c", name="C", kind=J, weight=2, order=9)
    for i in range(3, 6):
        person = UserFactory(email=f"anggota{i}@example.test", first_name=f"Anggota {i}")
        services.panel_member_add(panel=round_.panel, user=person)
        round_.members.append(person)
    services.conflict_declare(actor=round_.members[-1], panel=round_.panel, nomination=x,
                              reason="Keluarga.")  # fmt: skip
    for person in round_.members[:-1]:
        round_.score(person, x, 75, 80, reason="Perbaikan.")
        round_.score(person, y, 65, 70, reason="Perbaikan.")
    assert count() == small
