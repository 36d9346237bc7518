"""What a person reads: no page shows a stored code, an enum value, a database id, a snake_case
identifier or a NIP where a name belongs, in Indonesian or in English.

Every GET page of the URL resolver is opened by each agency-A persona who may open it (the access
matrix's ALLOWED table), on a world with an object of each kind, in both languages. The visible text
(tags, scripts, styles and attributes stripped) is searched for:

- any value of the models' `choices` and any rule code (flexwork/common/labels.py `all_codes`), as a
  whole word in its exact case: upper-case codes (`OFFICE`, `PSW4`, `CAP_WEEKLY`) everywhere;
  lower-case ones (`submitted`, `insert`) everywhere in Indonesian, and in English where a whole
  text (a cell, a badge) is the code, or in a move "x → y";
- snake_case words (`employee_changed`);
- "Unit kerja 9", "Unit 9": a database id where a name belongs;
- an 18-digit NIP standing alone where a name belongs; a NIP beside a name or its label ("Kasi A
  (1965…)", "NIP 1965…"), in an element with class "nip" or on a page with a NIP column passes.

Deliberately allowed: text inside `<code>` (what the user types: activation codes, import headers)
and inside `<small class="code">` (a rule's code as small print after its meaning, for HR); the
abbreviations the regulations themselves use as words (ALLOWED_WORDS).
"""

from __future__ import annotations

import datetime
import logging
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from flexwork.accounts.tokens import KEY_PREFIX, PREFIX_LENGTH
from flexwork.common.labels import all_codes
from tests.reliability.routes import all_routes

pytestmark = pytest.mark.django_db

LANGUAGES = ("id", "en")
PERSONAS = ("employee_a", "supervisor_a", "unit_head_a", "hr_admin_a", "agency_head_a")

# Codes that are also ordinary words or abbreviations of the regulations, read as such.
ALLOWED_WORDS = {
    "PNS",  # Pegawai Negeri Sipil: the employee type is read as its abbreviation in both languages
    "PPPK",
    "CPNS",  # calon PNS: an employee type read as its abbreviation, like PNS
    "JPT",  # Jabatan Pimpinan Tinggi
    "H",  # single letters read as letters ("I" is an English word)
    "S",
    "I",
    "TK",  # tanpa keterangan and dinas luar: PP 94/2021's own abbreviations, headers HR reads as words
    "DL",
    "id",  # the language switch's values are never shown; "id" and "en" are too short to judge
    "en",
}
NIP = re.compile(r"(?<!\d)\d{18}(?!\d)")
SNAKE = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
UNIT_ID = re.compile(r"\bUnit(?: kerja)? \d+\b", re.IGNORECASE)
ARROW = re.compile(r"([\w-]+)\s*→\s*([\w-]+)")
TOKEN = re.compile(r"\w(?:[\w.\-]*\w)?")
SKIPPED_TAGS = {"script", "style", "code", "template", "head"}


class _Text(HTMLParser):
    """The text nodes a person sees, in order, each with whether it sits in a "nip" element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, nip)
        self.nodes: list[tuple[str, bool]] = []

    VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "col", "embed", "param", "track"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        skipped = tag in SKIPPED_TAGS or (tag == "small" and any("code" in c for c in classes))
        parent_skipped = any(s for _t, s, _n in self.stack)
        parent_nip = any(n for _t, _s, n in self.stack)
        self.stack.append((tag, skipped or parent_skipped, "nip" in classes or parent_nip))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or (self.stack and self.stack[-1][1]):
            return
        self.nodes.append((text, bool(self.stack and self.stack[-1][2])))


def visible_nodes(html: str) -> list[tuple[str, bool]]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.nodes


def _english_labels() -> set[str]:
    """Lower-case codes that are also an English label ("submitted" is the status code and the
    action's label): in English such a word is not evidence of a raw code."""
    from django.utils import translation

    from flexwork.common.labels import AUDIT_VERBS, families

    with translation.override("en"):
        found = {str(label) for choices in families().values() for label in choices.labels}
        found |= {str(v) for v in AUDIT_VERBS.values()}
    return found


# Pages that teach a file format: they name the headers and values to type, literally (kode_unit,
# PPPK_PARUH_WAKTU, status_aktif = 0). Only the NIP rule applies there.
# The shift-pattern pages teach the cycle's typing: shift codes, LIBUR (or -) and LM.
LITERAL_PAGES = {"hr-imports", "hr-import-detail", "hr_patterns", "hr_pattern"}


def offences(html: str, language: str, *, literal: bool = False) -> list[str]:
    """The raw codes a person would read on the page."""
    codes = all_codes() - ALLOWED_WORDS
    upper = {c for c in codes if not c.islower()}
    lower = {c for c in codes if c.islower()}
    if language == "en":
        lower_whole = lower - _english_labels() - {"active"}  # "active" is also plain English
    else:
        lower_whole = lower
    found: list[str] = []
    nodes = visible_nodes(html)
    nip_column = any(text == "NIP" for text, _nip in nodes)  # a table or list with a NIP column or term
    for text, in_nip in nodes:
        for token in TOKEN.findall(text):
            if token in upper or (language == "id" and token in lower):
                found.append(f"code {token!r} in “{text}”")
        if language == "en" and text.strip(" .,:;()") in lower_whole:
            found.append(f"code {text!r}")
        for left, right in ARROW.findall(text):
            if left in lower or right in lower:
                found.append(f"move of codes “{left} → {right}”")
        # A token's first characters ("fw_" and seven more) are shown on purpose, so a person can
        # recognise their key: they may happen to look like snake_case.
        found += [
            f"identifier {word!r} in “{text}”"
            for word in SNAKE.findall(text)
            if not (word.startswith(KEY_PREFIX) and len(word) == PREFIX_LENGTH)
        ]
        if literal:
            found = [f for f in found if f.startswith("NIP")]
        found += [f"database id “{match}”" for match in UNIT_ID.findall(text)]
        beside_words = re.search(r"[A-Za-z]", NIP.sub("", text)) is not None  # "Kasi A (1965…)", "NIP 1965…"
        if not (in_nip or beside_words or nip_column):
            found += [f"NIP {match} in “{text}” (a name belongs here)" for match in NIP.findall(text)]
    return sorted(set(found))


# ---------------------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    "html, language, expected",
    [
        ("<td>OFFICE</td>", "en", "code 'OFFICE'"),
        ("<p>Lokasi: HOME</p>", "id", "code 'HOME'"),
        ("<li>draft → submitted</li>", "en", "move of codes"),
        ("<td>submitted</td>", "id", "code 'submitted'"),
        ("<td>insert</td>", "en", "code 'insert'"),
        ("<span>PSW4</span>", "id", "code 'PSW4'"),
        ("<p>CAP_WEEKLY</p>", "en", "code 'CAP_WEEKLY'"),
        ("<p>employee_changed</p>", "en", "identifier 'employee_changed'"),
        ("<dd>Unit kerja 9</dd>", "id", "database id"),
        ("<td>198501012010011001</td>", "id", "NIP 198501012010011001"),
    ],
)
def test_the_detector_finds_codes(html, language, expected):
    assert any(expected in o for o in offences(html, language)), offences(html, language)


@pytest.mark.parametrize(
    "html, language",
    [
        ("<p>Work from home <a href='/x?location=HOME' title='OFFICE'>here</a></p>", "en"),
        ('<p>Minggu ini sudah 2 hari <small class="code">CAP_WEEKLY</small></p>', "id"),
        ("<p>Tulis <code>kode_unit</code> di baris pertama</p>", "id"),
        ('<td>Pegawai A <span class="nip">198501012010011001</span></td>', "id"),
        ("<p>Your request was submitted.</p>", "en"),
        ("<td>PNS</td>", "id"),
        ('<script>var s = "OFFICE";</script><input value="HOME">', "id"),
        ("<li>Draf → Diajukan</li>", "id"),
    ],
)
def test_the_detector_lets_words_pass(html, language):
    assert offences(html, language) == []


# ---------------------------------------------------------------------------- the world


def _build(org_world):
    """build_world's object of every kind, plus arrangements in several states, an approved leave,
    an activation code, a confirmed import, a check-in, a verified work log and audit rows."""
    from attendance import requests as attendance_requests
    from flexwork.onboarding.models import AccountAction, AccountActionKind
    from schedules import services as schedule_services
    from tests.reliability.world import build_world
    from tests.schedules.conftest import approve_fully, create, fetch

    world = build_world(org_world)
    o = org_world
    start = world.monday + datetime.timedelta(weeks=4)
    approved = approve_fully(create(o.employee_a, [start]), supervisor=o.supervisor_a, decider=o.unit_head_a)
    rejected = create(o.employee_a, [start + datetime.timedelta(weeks=1)])
    schedule_services.arrangement_request_reject(
        arrangement_request=fetch(rejected), actor=o.supervisor_a, note="Tidak"
    )
    returned = create(
        o.employee_a, [start + datetime.timedelta(weeks=2)], location="OTHER_OFFICE", other_office_unit=o.div_a
    )
    schedule_services.arrangement_request_return(arrangement_request=fetch(returned), actor=o.supervisor_a, note="Ubah")
    create(o.employee_a, [start + datetime.timedelta(weeks=3)], submit=False)
    leave = attendance_requests.leave_request_create(
        user=o.employee_a,
        kind="SAKIT",
        date_from=start + datetime.timedelta(days=2),
        date_to=start + datetime.timedelta(days=2),
        reason="Sakit",
    )
    AccountAction.objects.create(
        agency_id=o.agency_a.id, employee=o.employee_a.employee, kind=AccountActionKind.CODE_ISSUED, actor=o.hr_admin_a
    )
    world.extra = {"approved": approved, "leave_sick": leave}
    return world


@pytest.fixture
def world(org_world):
    return _build(org_world)


@pytest.fixture(autouse=True)
def _quiet_request_log():
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def _pages(world):
    """(route key, path, personas who may open it) for every GET page."""
    from tests.reliability.test_access_matrix import ALLOWED, PUBLIC, _params, fill

    values = _params(world)
    pages = []
    for route in all_routes():
        if route.is_api or route.is_admin or route.callback.__name__ == "not_found":
            continue
        if route.key.startswith(("healthz", "schedules-ical", "hr-import-template", "reports-baselines-template")):
            continue  # not pages: probes, a calendar feed and file downloads
        path = fill(route, values)
        if path is None:
            continue
        rules = ALLOWED.get(route.key, {})
        who = set(rules.get("get", rules.get("*", ()))) & set(PERSONAS)
        if route.key in PUBLIC:
            who = who or {"anonymous"}
        if who:
            pages.append((route.key, path, sorted(who)))
    return pages


def _client(user, language: str) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_code_an_id_or_a_nip(world, language):
    problems: list[str] = []
    opened = 0
    for key, path, personas in _pages(world):
        for persona in personas:
            user = None if persona == "anonymous" else getattr(world.org, persona)
            response = _client(user, language).get(path)
            if response.status_code >= 500:
                problems.append(f"{path} as {persona}: {response.status_code}")
                continue
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            for offence in offences(response.content.decode(), language, literal=key in LITERAL_PAGES):
                problems.append(f"{key} ({path}) as {persona}: {offence}")
    assert opened > 60, f"only {opened} pages opened: the world or the table lost its pages"
    assert not problems, "\n".join(problems)
