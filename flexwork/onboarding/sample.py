"""Import files: the downloadable templates, and valid generated files of any size (seeded), used
by the benchmark (bench/import_60k.py) and the tests."""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections.abc import Iterable, Sequence

from flexwork.onboarding.importing import EMPLOYEE_HEADERS, HEADERS, UNIT_HEADERS


def to_csv(rows: Iterable[Sequence], *, headers: Sequence[str], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def to_xlsx(rows: Iterable[Sequence], *, headers: Sequence[str]) -> bytes:
    """An XLSX with every cell as typed: NIP columns are text cells (what the import asks for)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_file(*, kind: str, fmt: str) -> bytes:
    """The empty template (headers only) for `kind` ("EMPLOYEES"/"UNITS") as "csv" or "xlsx"."""
    headers = HEADERS[kind]
    return to_xlsx([], headers=headers) if fmt == "xlsx" else to_csv([], headers=headers, bom=True)


def sample_units(*, prefix: str = "S", divisions: int = 10, sections: int = 19) -> list[list[str]]:
    """A three-level unit tree in template column order: a root, divisions, sections."""
    root = f"{prefix}0000"
    rows = [[root, "Sekretariat", "", "0", "", "-5.147700", "119.432700", "150", "", ""]]
    for d in range(1, divisions + 1):
        division = f"{prefix}{d:02d}00"
        rows.append([division, f"Bidang {d}", root, "0", "", "", "", "", "", ""])
        for s in range(1, sections + 1):
            public = "1" if s == 1 else "0"
            rows.append([f"{prefix}{d:02d}{s:02d}", f"Seksi {d}.{s}", division, public, "", "", "", "", "", ""])
    return rows


FIRST = ["Andi", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lestari"]
LAST = ["Saputra", "Wijaya", "Santoso", "Pratama", "Hidayat", "Nugroho", "Kusuma", "Rahayu", "Siregar", "Lubis"]


def sample_nip(n: int, *, rng: random.Random, birth_start: datetime.date = datetime.date(1965, 1, 1)) -> str:
    """A valid PNS NIP, unique per `n` (birth day and sequence number encode n)."""
    birth = birth_start + datetime.timedelta(days=n // 999)
    return f"{birth:%Y%m%d}{rng.randint(1990, 2020)}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{n % 999 + 1:03d}"


def sample_employees(
    *,
    count: int,
    unit_rows: list[list[str]],
    position_codes: Sequence[str],
    seed: int = 42,
    email_share: float = 0.5,
    domain: str = "example.go.id",
    first_n: int = 0,
    birth_start: datetime.date = datetime.date(1965, 1, 1),
) -> list[list[str]]:
    """`count` valid employee rows in template column order. Every unit gets a head (the first
    rows, parents before children); the head of a unit reports to the head of its parent unit and
    everybody else to the head of their unit. The NIPs' birth dates start at `birth_start`."""
    rng = random.Random(seed)
    head_of: dict[str, str] = {}
    rows: list[list[str]] = []
    n = first_n
    for unit in unit_rows:
        if len(rows) >= count:
            break
        code, parent = unit[0], unit[2]
        nip = sample_nip(n, rng=rng, birth_start=birth_start)
        head_of[code] = nip
        rows.append(_employee_row(n, nip, code, head_of.get(parent, ""), rng, position_codes, email_share, domain))
        n += 1
    codes = [unit[0] for unit in unit_rows]
    while len(rows) < count:
        code = codes[rng.randrange(len(codes))]
        nip = sample_nip(n, rng=rng, birth_start=birth_start)
        rows.append(_employee_row(n, nip, code, head_of[code], rng, position_codes, email_share, domain))
        n += 1
    return rows


def _employee_row(n, nip, unit_code, supervisor_nip, rng, position_codes, email_share, domain) -> list[str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    email = f"pegawai{n}@{domain}" if rng.random() < email_share else ""
    start = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
    return [
        nip,
        name,
        email,
        "PNS",
        unit_code,
        rng.choice(position_codes),
        supervisor_nip,
        start.isoformat(),
        "1",
        "",
        "",
    ]


__all__ = [
    "EMPLOYEE_HEADERS",
    "UNIT_HEADERS",
    "sample_employees",
    "sample_units",
    "template_file",
    "to_csv",
    "to_xlsx",
]
