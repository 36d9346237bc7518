"""FWA monitoring baselines imported by HR (docs/rules.md §6) and the lateness-to-days policy switch of
absence discipline (PP 94/2021). Oracles are worked out by hand from conftest.py's March 2025."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from flexwork.reports import baselines
from flexwork.reports.models import FwaBaseline
from tests.reports.test_kinds import by_key, rows_of, run_report

pytestmark = pytest.mark.django_db

URL = "/reports/baselines/"
HEADER = ",".join(baselines.TEMPLATE_HEADERS)


@pytest.fixture
def client(client, settings):
    """These tests read the import's messages in English (the pages default to Indonesian)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(client, text: str, *, name="baseline.csv", bom=False):
    data = ("\ufeff" if bom else "") + text
    return client.post(URL, {"file": SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")})


def test_template_downloads_and_imports_back(march, client, hr_admin_a):
    client.force_login(hr_admin_a)
    page = client.get(URL)
    assert page.status_code == 200
    assert "kode_unit" in page.content.decode()
    template = client.get("/reports/baselines/template.csv")
    assert template.status_code == 200
    assert template["Content-Type"].startswith("text/csv")
    lines = template.content.decode("utf-8").splitlines()
    assert lines[0] == HEADER
    posted = upload(client, template.content.decode("utf-8"))
    assert posted.status_code == 302
    row = FwaBaseline.objects.get()
    assert (row.unit, row.month, row.present_days, str(row.credited_hours)) == (
        march.world.sec_a,
        datetime.date(2024, 12, 1),
        228,
        "1725.50",
    )
    listed = client.get(URL).content.decode()
    assert "1 new, 0 changed, 0 unchanged" in listed
    assert "2024-12" in listed


def test_good_file_with_semicolons_bom_and_decimal_commas(march, client, hr_admin_a):
    client.force_login(hr_admin_a)
    text = (
        ";".join(baselines.TEMPLATE_HEADERS) + "\r\n"
        "A-SEC;2024-12;3;60;55;1;4;450,00;420,50;90\r\n"
        "A-DIV;2025-02;1;20;18;2;0;150;140;\r\n"
    )
    assert upload(client, text, bom=True).status_code == 302
    got = {(b.unit.code, b.month): b for b in FwaBaseline.objects.select_related("unit")}
    dec = got[("A-SEC", datetime.date(2024, 12, 1))]
    assert (dec.employees, dec.days_due, dec.tk_days, dec.late_days) == (3, 60, 1, 4)
    assert (str(dec.required_hours), str(dec.credited_hours), str(dec.avg_achievement_pct)) == (
        "450.00",
        "420.50",
        "90.00",
    )
    assert got[("A-DIV", datetime.date(2025, 2, 1))].avg_achievement_pct is None
    assert all(b.agency_id == march.agency.id and b.imported_by_id == hr_admin_a.pk for b in got.values())


def test_bad_rows_are_listed_by_row_number_and_nothing_is_written(march, client, hr_admin_a):
    client.force_login(hr_admin_a)
    text = "\n".join(
        [
            HEADER,
            "A-SEC,2024-12,3,60,55,1,4,450,420.5,90",  # row 2: fine
            "A-SEC,2024-13,3,60,55,1,4,450,420.5,90",  # row 3: no such month
            "A-XXX,2024-11,3,60,55,1,4,450,420.5,90",  # row 4: unknown unit
            "A-DIV,2024-12,3,20,25,1,4,450,420.5,",  # row 5: present > due
            "A-SEC,2024-12,3,60,55,1,4,450,420.5,90",  # row 6: repeats row 2
            "A-HR,2099-01,x,60,55,1,4,-1,420.5,90",  # row 7: future month, text, negative hours
        ]
    )
    page = upload(client, text)
    assert page.status_code == 400
    body = page.content.decode()
    assert "5 rows have errors; nothing was imported." in body
    # One table of (row, column, problem), as on the organisation import's page.
    for row, column, message in (
        (3, "bulan", "Write the month as YYYY-MM, e.g. 2024-12."),
        (4, "kode_unit", "No unit A-XXX in your agency."),
        (5, "hari_hadir", "More than hari_kerja_wajib."),
        (6, "bulan", "This unit and month already appear in row 2."),
        (7, "bulan", "The month is in the future."),
        (7, "jumlah_pegawai", "Enter a whole number of 0 or more."),
        (7, "jam_wajib", "Enter a number from 0 to 99999999.99."),
    ):
        assert f"<tr><td>{row}</td><td>{column}</td><td>{message}</td></tr>" in body, (row, column, message)
    assert "<tr><td>2</td>" not in body
    assert not FwaBaseline.objects.exists()


def test_row_errors_raise_one_shape_with_row_column_and_message(march, hr_admin_a):
    from django.utils import translation

    from flexwork.common.tabular import RowsInvalid

    with translation.override("en"), pytest.raises(RowsInvalid) as caught:
        baselines.baselines_import_csv(
            user=hr_admin_a, data=f"{HEADER}\nA-XXX,2024-11,3,60,55,1,4,450,420.5,90\n".encode()
        )
    assert caught.value.status_code == 400 and caught.value.code == "invalid_rows"
    with translation.override("en"):
        shown = [error.as_dict() for error in caught.value.errors]
    assert shown == [
        {"row": 2, "column": "kode_unit", "code": "unknown_unit", "message": "No unit A-XXX in your agency."}
    ]


def test_columns_are_read_by_header_in_any_order_and_from_xlsx(march, client, hr_admin_a):
    from flexwork.onboarding.sample import to_xlsx

    client.force_login(hr_admin_a)
    # Reordered, the optional last column left out, and an extra column the import ignores.
    text = "bulan;catatan;jam_terpenuhi;kode_unit;jumlah_pegawai;hari_kerja_wajib;hari_hadir;hari_tk;hari_terlambat;jam_wajib\n"
    text += "2024-12;dari arsip;420,5;A-SEC;3;60;55;1;4;450\n"
    assert upload(client, text).status_code == 302
    row = FwaBaseline.objects.get()
    assert (row.unit, row.present_days, str(row.credited_hours), row.avg_achievement_pct) == (
        march.world.sec_a,
        55,
        "420.50",
        None,
    )
    xlsx = to_xlsx([["A-DIV", "2025-02", 1, 20, 18, 2, 0, 150, 140, ""]], headers=baselines.TEMPLATE_HEADERS)
    posted = client.post(URL, {"file": SimpleUploadedFile("baseline.xlsx", xlsx)})
    assert posted.status_code == 302
    assert FwaBaseline.objects.get(unit=march.world.div_a).present_days == 18


def test_unreadable_files_are_refused(march, client, hr_admin_a):
    client.force_login(hr_admin_a)
    missing = upload(client, "kode_unit,bulan\nA-SEC,2024-12\n")
    assert missing.status_code == 400
    # One error naming every missing required column (the optional last one is not asked for).
    assert (
        "Missing columns: jumlah_pegawai, hari_kerja_wajib, hari_hadir, hari_tk, hari_terlambat, jam_wajib, "
        "jam_terpenuhi. The first row must hold the template&#x27;s headers." in missing.content.decode()
    )
    latin = client.post(URL, {"file": SimpleUploadedFile("b.csv", (HEADER + "\nA-SÉC").encode("latin-1"))})
    assert latin.status_code == 400
    assert "not UTF-8" in latin.content.decode()
    assert not FwaBaseline.objects.exists()


def test_reupload_is_idempotent_and_a_change_updates_the_row(march, client, hr_admin_a):
    client.force_login(hr_admin_a)
    text = f"{HEADER}\nA-SEC,2024-12,3,60,55,1,4,450,420.5,90\nA-SEC,2024-11,3,60,50,1,4,450,400,\n"
    assert upload(client, text).status_code == 302
    before = {(b.unit_id, b.month): (b.id, b.updated_at) for b in FwaBaseline.objects.all()}
    again = upload(client, text)
    assert again.status_code == 302
    assert "0 new, 0 changed, 2 unchanged" in client.get(URL).content.decode()
    assert {(b.unit_id, b.month): (b.id, b.updated_at) for b in FwaBaseline.objects.all()} == before
    changed = upload(client, text.replace("60,50,1", "60,52,1"))
    assert changed.status_code == 302
    assert "0 new, 1 changed, 1 unchanged" in client.get(URL).content.decode()
    assert FwaBaseline.objects.count() == 2
    assert FwaBaseline.objects.get(month=datetime.date(2024, 11, 1)).present_days == 52


def test_only_hr_may_import(march, client, agency_head_a, unit_head_a, employee_a):
    for user in (agency_head_a, unit_head_a, employee_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get("/reports/baselines/template.csv").status_code == 403
        assert upload(client, f"{HEADER}\nA-SEC,2024-12,3,60,55,1,4,450,420.5,90\n").status_code == 403
        # Reports readers do not see the link either.
        if user != employee_a:
            assert URL not in client.get("/reports/").content.decode()
    assert not FwaBaseline.objects.exists()


def test_another_agencys_unit_is_a_row_error(march, client, hr_admin_a, hr_admin_b):
    client.force_login(hr_admin_b)
    page = upload(client, f"{HEADER}\nB-ROOT,2024-12,1,20,20,0,0,150,150,\nA-SEC,2024-12,3,60,55,1,4,450,420.5,90\n")
    assert page.status_code == 400
    assert "<tr><td>3</td><td>kode_unit</td><td>No unit A-SEC in your agency.</td></tr>" in page.content.decode()
    assert not FwaBaseline.objects.exists()
    # And agency A's HR sees the link, and only its own rows.
    client.force_login(hr_admin_a)
    assert URL in client.get("/reports/").content.decode()


def test_fwa_monitoring_uses_baselines_for_months_without_flexwork_data(march, hr_admin_a):
    """fwa_start_date 2025-03-01, 3 months: "before" = 2024-12-01 … 2025-02-28.

    A-SEC FlexWork rows: K 6–10 Jan (5 due, TK 6/8/10, 2 present, 900 of 2250 min) and P 3–7 Feb
    (5 due, TK 4/6, 3 present, 1350 of 2250 min): 2 employees, 10 due, 5 present, 5 TK, 2250/4500 min.
    Baselines: A-SEC Dec 2024 (used: no FlexWork row that month); A-SEC Jan 2025 (ignored: FlexWork
    has January); A-SEC Nov 2024 (outside the window); A-DIV Feb 2025 (used); A-HR Mar 2025 (an "after"
    month: baselines only fill "before")."""
    baselines.baselines_import_csv(
        user=hr_admin_a,
        data=(
            f"{HEADER}\n"
            "A-SEC,2024-12,3,60,55,1,4,450,420.5,90\n"
            "A-SEC,2025-01,9,100,10,50,50,800,100,10\n"
            "A-SEC,2024-11,9,100,10,50,50,800,100,10\n"
            "A-DIV,2025-02,1,20,18,2,0,150,140,\n"
            "A-HR,2025-03,5,100,100,0,0,750,750,100\n"
        ).encode(),
    )
    rows = rows_of(run_report(hr_admin_a, "FWA_MONITORING", "2025-03", parameters={"months": 3}))
    got = by_key(rows, "unit_code", "window")
    sec = got[("A-SEC", "before")]
    assert (sec["date_from"], sec["date_to"], sec["baseline_months"]) == ("2024-12-01", "2025-02-28", "1")
    # max(2, 3) employees; 10 + 60 due; 5 + 55 present; 5 + 1 TK; 0 + 4 late.
    assert (sec["employees"], sec["days_due"], sec["present_days"], sec["tk_days"], sec["late_days"]) == (
        "3",
        "70",
        "60",
        "6",
        "4",
    )
    assert sec["attendance_pct"] == "85.71"  # 60 / 70
    assert sec["hours_fulfilled_pct"] == "87.24"  # (2250 + 420.5·60) / (4500 + 450·60) = 27480 / 31500
    assert sec["avg_achievement_pct"] == "90.00"  # no FlexWork realisation before March
    div = got[("A-DIV", "before")]
    assert (div["employees"], div["days_due"], div["present_days"], div["tk_days"], div["baseline_months"]) == (
        "1",
        "20",
        "18",
        "2",
        "1",
    )
    assert (div["attendance_pct"], div["hours_fulfilled_pct"], div["avg_achievement_pct"]) == ("90.00", "93.33", "")
    hr_after = got[("A-HR", "after")]
    assert (hr_after["attendance_pct"], hr_after["baseline_months"]) == ("", "0")
    # The "after" side is FlexWork's alone (as without baselines).
    after = got[("A-SEC", "after")]
    assert (after["days_due"], after["present_days"], after["tk_days"], after["baseline_months"]) == (
        "37",
        "35",
        "2",
        "0",
    )
    # The HR dashboard's FWA panel (whole agency, the policy's 3 months) adds the same baselines:
    # FlexWork 10 due / 5 present / 5 TK + A-SEC Dec 60/55/1 + A-DIV Feb 20/18/2 = 90 / 78 / 8.
    from flexwork.reports import dashboards

    fwa = {r["window"]: r for r in dashboards.hr_dashboard(user=hr_admin_a)["fwa"]}
    assert (fwa["before"]["tk"], fwa["before"]["attendance_pct"]) == (8, 86.7)  # 78 / 90


def test_fwa_monitoring_without_baselines_is_unchanged(march, hr_admin_a):
    rows = rows_of(run_report(hr_admin_a, "FWA_MONITORING", "2025-03", parameters={"months": 3}))
    sec = by_key(rows, "unit_code", "window")[("A-SEC", "before")]
    assert (sec["employees"], sec["days_due"], sec["present_days"], sec["tk_days"]) == ("2", "10", "5", "5")
    assert (sec["hours_fulfilled_pct"], sec["baseline_months"]) == ("50.00", "0")


# ------------------------------------------------------------------ lateness converted into days


@pytest.fixture
def lateness(march):
    """Adds lateness to March: P (TK 3) gets TL4 200 min on 24, 25 and 26 March and PSW4 300 min on
    the 27th, plus the TL2 45 min of the 17th = 945 min → 2 days of 450 min. The HR employee (no TK)
    gets TL4 500 min on 3, 4 and 5 March = 1500 min → 3 days. W (A-PAPUA, whose override keeps the
    switch off) gets TL4 450 min on 4 and 5 March = 900 min → not converted."""
    from attendance.models import DayStatus
    from flexwork.org.models import UnitPolicyOverride
    from tests.reports.conftest import status_row

    D = datetime.date
    for day in (D(2025, 3, 24), D(2025, 3, 25), D(2025, 3, 26)):
        DayStatus.objects.filter(employee=march.p, local_date=day).update(arrival="TL4", lateness_minutes=200)
    DayStatus.objects.filter(employee=march.p, local_date=D(2025, 3, 27)).update(departure="PSW4", early_minutes=300)
    DayStatus.objects.filter(employee=march.wit, local_date__in=[D(2025, 3, 4), D(2025, 3, 5)]).update(
        arrival="TL4", lateness_minutes=450
    )
    hr = march.world.hr_admin_a.employee
    DayStatus.objects.bulk_create(
        [status_row(hr, D(2025, 3, d), arrival="TL4", lateness_minutes=500) for d in (3, 4, 5)]
        # Minutes on a day whose arrival is on time do not count.
        + [status_row(hr, D(2025, 3, 6), arrival="H", lateness_minutes=999)]
    )
    UnitPolicyOverride.objects.create(agency=march.agency, unit=march.papua, lateness_converts_to_days=False)
    return hr


def test_discipline_lateness_switch_off_by_default(lateness, march, hr_admin_a):
    got = {row["nip"]: row for row in rows_of(run_report(hr_admin_a, "DISCIPLINE", "2025-03"))}
    counted = {nip for nip, row in got.items() if row["total_days"] != "0"}
    assert counted == {march.p.nip, march.k.nip, march.wit.nip}  # lateness alone never counts a day
    assert got[lateness.nip]["band"] == ""  # everyone is a row, with nothing counted
    p = got[march.p.nip]
    assert (p["tk_days"], p["late_early_minutes"], p["lateness_days"], p["total_days"], p["band"]) == (
        "3",
        "945",
        "0",
        "3",
        "TEGURAN_LISAN",
    )
    assert (got[march.k.nip]["band"], got[march.k.nip]["total_days"]) == ("TEGURAN_TERTULIS", "4")


def test_discipline_lateness_switch_on_adds_converted_days_before_banding(lateness, march, hr_admin_a):
    from flexwork.org.models import AgencyPolicy

    AgencyPolicy.objects.filter(agency=march.agency).update(lateness_converts_to_days=True)
    got = {row["nip"]: row for row in rows_of(run_report(hr_admin_a, "DISCIPLINE", "2025-03"))}
    counted = {nip for nip, row in got.items() if row["total_days"] != "0"}
    assert counted == {march.p.nip, march.k.nip, march.wit.nip, lateness.nip}
    p = got[march.p.nip]
    # 945 min // 450 = 2 days; 3 TK + 2 = 5 → written reprimand (4–6) instead of oral.
    assert (p["tk_days"], p["late_early_minutes"], p["lateness_days"], p["total_days"], p["band"]) == (
        "3",
        "945",
        "2",
        "5",
        "TEGURAN_TERTULIS",
    )
    hr = got[lateness.nip]
    # No TK at all: 1500 min // 450 = 3 days → oral reprimand; the on-time day's minutes are ignored.
    assert (hr["tk_days"], hr["late_early_minutes"], hr["lateness_days"], hr["band"], hr["unit_code"]) == (
        "0",
        "1500",
        "3",
        "TEGURAN_LISAN",
        "A-HR",
    )
    # A-PAPUA's override keeps the switch off: 900 minutes, no converted day.
    w = got[march.wit.nip]
    assert (w["late_early_minutes"], w["lateness_days"], w["total_days"]) == ("900", "0", "10")
    k = got[march.k.nip]
    assert (k["lateness_days"], k["total_days"], k["band"]) == ("0", "4", "TEGURAN_TERTULIS")
