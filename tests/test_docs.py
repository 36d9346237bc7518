"""The code and the docs cite only what the repository holds, and speak of the product, not of the
work items that produced it: every `*.md` a comment or a page names exists here, no text names a
tracker item by number, and every `docs/rules.md §N` names a section (and a quoted subsection) that exists."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
RULES = ROOT / "docs" / "rules.md"
SCANNED = (".py", ".md", ".html", ".txt")
SKIPPED_DIRS = {".venv", ".git", "node_modules", "var", "locale", "locale_allauth", "__pycache__", ".pytest_cache"}

# A Markdown file named in text: "docs/rules.md", "CONTRIBUTING.md", "../x/style.md", "[api](api.md)".
MD_FILE = re.compile(r"(?<![\w/.-])((?:\.{1,2}/|[\w-]+/)*[\w-]+\.md)\b")
# A tracker item by number, in any of its usual spellings; not the verb ("HR issues a code").
ISSUE = re.compile(r"\bissues?\s+#?\d", re.IGNORECASE)
# `docs/rules.md §2`, `docs/rules.md §2 and §4`, `docs/rules.md §3 "Approval chain"`.
RULES_CITATION = re.compile(r'docs/rules\.md((?:,?\s*(?:and\s+)?§\d+)+)(?:\s*"([^"]+)")?')
SECTION_NUMBER = re.compile(r"§(\d+)")


def _migration_generated(path: Path) -> bool:
    """Django writes the model's help texts and choices into migrations verbatim."""
    return path.parent.name == "migrations"


@cache
def scanned_files() -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(name for name in dirnames if name not in SKIPPED_DIRS)
        found += [Path(dirpath) / name for name in sorted(filenames) if name.endswith(SCANNED)]
    return found


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _lines(pattern: re.Pattern, *, skip_migrations: bool = False):
    for path in scanned_files():
        if path == Path(__file__).resolve() or (skip_migrations and _migration_generated(path)):
            continue
        for number, line in enumerate(_text(path).splitlines(), start=1):
            for match in pattern.finditer(line):
                yield path.relative_to(ROOT), number, line, match


def rules_sections() -> dict[int, set[str]]:
    """{section number: its subsection titles} of docs/rules.md."""
    sections: dict[int, set[str]] = {}
    current = None
    for line in _text(RULES).splitlines():
        if heading := re.match(r"## (\d+)\. ", line):
            current = int(heading.group(1))
            sections[current] = set()
        elif (subheading := re.match(r"### (.+?)\s*$", line)) and current is not None:
            sections[current].add(subheading.group(1))
    return sections


def _path_join(line: str, name: str) -> bool:
    """`ROOT / "docs" / "audit.md"`: code building a path, not a citation."""
    return re.search(r'/\s*"' + re.escape(name) + '"', line) is not None


def _resolves(path: Path, name: str) -> bool:
    for base in (ROOT, (ROOT / path).parent):
        target = (base / name).resolve()
        if target.is_file() and target.is_relative_to(ROOT):
            return True
    return False


def test_the_scan_covers_code_templates_and_docs():
    names = {path.relative_to(ROOT).as_posix() for path in scanned_files()}
    assert {"docs/rules.md", "CONTRIBUTING.md", "schedules/policy.py", "templates/base.html"} <= names
    assert not any(name.startswith(".venv/") for name in names)


def test_every_markdown_file_named_in_code_or_docs_is_in_the_repository():
    outside = [
        f"{path}:{number}: {match.group(1)}"
        for path, number, line, match in _lines(MD_FILE)
        if not _resolves(path, match.group(1)) and not _path_join(line, match.group(1))
    ]
    assert outside == [], "cite the repository's own docs (docs/rules.md, docs/api.md, CONTRIBUTING.md)"


def test_no_code_or_doc_speaks_of_issue_numbers():
    found = [f"{path}:{number}: {match.group(0)}" for path, number, _line, match in _lines(ISSUE, skip_migrations=True)]
    assert found == []


def test_the_rule_reference_keeps_the_section_numbers_one_to_ten():
    assert sorted(rules_sections()) == list(range(1, 11))


def test_every_rules_citation_names_a_section_that_exists():
    sections = rules_sections()
    wrong = []
    for path, number, _line, match in _lines(RULES_CITATION):
        cited = [int(n) for n in SECTION_NUMBER.findall(match.group(1))]
        title = match.group(2)
        for section in cited:
            if section not in sections:
                wrong.append(f"{path}:{number}: §{section} does not exist")
        if title and cited and title not in sections.get(cited[-1], set()):
            wrong.append(f'{path}:{number}: §{cited[-1]} has no subsection "{title}"')
    assert wrong == []


def test_the_checks_catch_what_they_are_for():
    """The patterns themselves: an outside citation, a tracker item number and a missing section are found."""
    assert MD_FILE.search("as ../shared/rules.md says").group(1) == "../shared/rules.md"
    assert not _resolves(Path("schedules/policy.py"), "style.md")
    assert _resolves(Path("docs/audit.md"), "rules.md")  # a sibling link inside docs/
    assert _path_join('DOC = ROOT / "docs" / "audit.md"', "audit.md") and not _path_join("see audit.md", "audit.md")
    assert ISSUE.search("models arrive with issue 5") and ISSUE.search("(Issue #12)")
    assert not ISSUE.search("HR issues a new code") and not ISSUE.search("codes issued 3 days ago")
    citation = RULES_CITATION.search('see docs/rules.md §2 and §4, then docs/rules.md §3 "Approval chain"')
    assert SECTION_NUMBER.findall(citation.group(1)) == ["2", "4"]
    assert "Approval chain" in rules_sections()[3]
