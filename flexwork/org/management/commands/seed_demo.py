"""`manage.py seed_demo [--json]`: a demo agency in WITA with months of history to click through, and
a small second agency in WIT beside it.

Idempotent: every object is looked up by its natural key (agency code, unit code, NIP, location
name, holiday date and name) and only missing ones are made, so a second run adds nothing.
Every demo account has the password DEMO_PASSWORD. `--json` prints each account with its
username, password, role and a freshly issued personal API token (docs/api.md), and nothing else."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from flexwork.common.calendar import today_in
from flexwork.org import services
from flexwork.org.demo_history import seed_history, seed_homes, seed_reports, seed_shifts, seed_skps
from flexwork.org.models import (
    Agency,
    DesignatedLocation,
    Employee,
    EmployeeType,
    Holiday,
    HolidayKind,
    Position,
    PositionType,
    RamadanRange,
    Role,
    RoleAssignment,
    Unit,
)
from flexwork.org.models.organisation import ShiftCriterion, WorkWeek

User = get_user_model()
DEMO_PASSWORD = "FlexWork-demo-2026"
AGENCY_CODE = "DISKOMINFO-SULSEL"
DEMO_TIME_ZONE = "Asia/Makassar"
ALL_CRITERIA = {
    "task_outside_office": True,
    "task_no_special_equipment": True,
    "task_ict_feasible": True,
    "task_minimal_face_to_face": True,
    "task_no_continuous_supervision": True,
}

# code, name, parent code, extra fields
UNITS = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", None, {}),
    ("SEKRETARIAT", "Sekretariat", "DISKOMINFO", {}),
    ("BID-IKP", "Bidang Informasi dan Komunikasi Publik", "DISKOMINFO", {}),
    ("BID-APTIKA", "Bidang Aplikasi Informatika", "DISKOMINFO", {}),
    (
        "UPT-DATA-TIMUR",
        "UPT Pengelolaan Data Wilayah Timur",
        "DISKOMINFO",
        {"time_zone": "Asia/Jayapura", "office_latitude": "-2.533000", "office_longitude": "140.717000"},
    ),
    ("SUBBAG-UMUM", "Subbagian Umum dan Keuangan", "SEKRETARIAT", {}),
    ("SUBBAG-KEPEG", "Subbagian Kepegawaian", "SEKRETARIAT", {}),
    ("SEKSI-HUMAS", "Seksi Kehumasan", "BID-IKP", {}),
    (
        "SEKSI-LAYANAN",
        "Seksi Layanan Informasi Publik",
        "BID-IKP",
        {"is_public_service": True, "min_onsite_headcount": 2},
    ),
    ("SEKSI-INFRA", "Seksi Infrastruktur TIK", "BID-APTIKA", {}),
    ("SEKSI-APLIKASI", "Seksi Pengembangan Aplikasi", "BID-APTIKA", {}),
    (
        "UPT-112",
        "UPT Layanan Panggilan Darurat 112",
        "DISKOMINFO",
        {"office_latitude": "-5.135500", "office_longitude": "119.423800", "office_radius_m": 120},
    ),
]
# docs/rules.md §8: the emergency call centre answers around the clock on a roster, on the PPK's decree.
ROSTER_UNIT = "UPT-112"
ROSTER_BASIS = (
    "Keputusan Kepala Dinas Komunikasi dan Informatika Provinsi Sulawesi Selatan Nomor 800.1/112/DISKOMINFO/2026 "
    "tentang Pola Kerja Sif pada UPT Layanan Panggilan Darurat 112"
)
SHIFT_POSITIONS = ("OPR112",)
OFFICE = {"office_latitude": "-5.147700", "office_longitude": "119.432700", "office_radius_m": 150}

# code, name, type, eligible
POSITIONS = [
    ("KADIS", "Kepala Dinas", PositionType.JPT, False),
    ("KABID", "Kepala Bidang / Sekretaris", PositionType.ADMINISTRATOR, True),
    ("KASI", "Kepala Seksi / Subbagian", PositionType.PENGAWAS, True),
    ("KAUPT", "Kepala UPT", PositionType.PENGAWAS, True),
    ("ANALIS", "Analis Kebijakan", PositionType.PELAKSANA, True),
    ("PRAKOM", "Pranata Komputer", PositionType.FUNGSIONAL, True),
    ("PRAKOMHUMAS", "Pranata Hubungan Masyarakat", PositionType.FUNGSIONAL, True),
    ("PENGADM", "Pengadministrasi Perkantoran", PositionType.PELAKSANA, True),
    ("LAYANAN", "Petugas Layanan Informasi", PositionType.PELAKSANA, False),
    ("TEKNISI", "Teknisi Jaringan", PositionType.PELAKSANA, False),
    ("PENGEMUDI", "Pengemudi", PositionType.PELAKSANA, False),
    ("OPR112", "Operator Layanan Darurat 112", PositionType.PELAKSANA, False),
]

# key, name, unit, position, supervisor key, heads unit, extra
PEOPLE = [
    ("kadis", "Dr. Andi Muhammad Yusuf", "DISKOMINFO", "KADIS", None, "DISKOMINFO", {}),
    ("sekretaris", "Hj. Nurhayati Ramli", "SEKRETARIAT", "KABID", "kadis", "SEKRETARIAT", {}),
    ("kabid_ikp", "Ahmad Fauzi Hamzah", "BID-IKP", "KABID", "kadis", "BID-IKP", {}),
    ("kabid_aptika", "Ir. Sitti Rahmawati", "BID-APTIKA", "KABID", "kadis", "BID-APTIKA", {}),
    ("kaupt", "Yohanes Wenda", "UPT-DATA-TIMUR", "KAUPT", "kadis", "UPT-DATA-TIMUR", {}),
    ("kasubbag_umum", "Muhammad Ikhsan", "SUBBAG-UMUM", "KASI", "sekretaris", "SUBBAG-UMUM", {}),
    ("kasubbag_kepeg", "Rini Andriani", "SUBBAG-KEPEG", "KASI", "sekretaris", "SUBBAG-KEPEG", {}),
    ("kasi_humas", "Baso Amiruddin", "SEKSI-HUMAS", "KASI", "kabid_ikp", "SEKSI-HUMAS", {}),
    ("kasi_layanan", "Irma Suryani", "SEKSI-LAYANAN", "KASI", "kabid_ikp", "SEKSI-LAYANAN", {}),
    ("kasi_infra", "Arief Rahman Hakim", "SEKSI-INFRA", "KASI", "kabid_aptika", "SEKSI-INFRA", {}),
    ("kasi_aplikasi", "Dewi Kartika Sari", "SEKSI-APLIKASI", "KASI", "kabid_aptika", "SEKSI-APLIKASI", {}),
    ("hr", "Fitriani Syamsuddin", "SUBBAG-KEPEG", "ANALIS", "kasubbag_kepeg", None, {}),
    ("hr2", "Agus Salim", "SUBBAG-KEPEG", "PENGADM", "kasubbag_kepeg", None, {}),
    ("umum1", "Hasanuddin Latif", "SUBBAG-UMUM", "PENGADM", "kasubbag_umum", None, {}),
    ("umum2", "Nurul Hikmah", "SUBBAG-UMUM", "ANALIS", "kasubbag_umum", None, {}),
    ("umum3", "Syamsul Bahri", "SUBBAG-UMUM", "PENGEMUDI", "kasubbag_umum", None, {}),
    ("humas1", "Andi Tenri Ajeng", "SEKSI-HUMAS", "PRAKOMHUMAS", "kasi_humas", None, {}),
    ("humas2", "Rudi Hartono", "SEKSI-HUMAS", "PRAKOMHUMAS", "kasi_humas", None, {}),
    ("humas3", "Sri Wahyuni", "SEKSI-HUMAS", "ANALIS", "kasi_humas", None, {"sanction": True}),
    ("humas4", "Kurniawan Saputra", "SEKSI-HUMAS", "ANALIS", "kasi_humas", None, {}),
    ("layanan1", "Marlina Pasande", "SEKSI-LAYANAN", "LAYANAN", "kasi_layanan", None, {}),
    ("layanan2", "Ismail Daeng Naba", "SEKSI-LAYANAN", "LAYANAN", "kasi_layanan", None, {}),
    ("layanan3", "Wahyuni Abdullah", "SEKSI-LAYANAN", "LAYANAN", "kasi_layanan", None, {}),
    ("layanan4", "Fadli Ramadhan", "SEKSI-LAYANAN", "ANALIS", "kasi_layanan", None, {}),
    ("infra1", "Rizky Pratama", "SEKSI-INFRA", "PRAKOM", "kasi_infra", None, {}),
    ("infra2", "Eka Putri Lestari", "SEKSI-INFRA", "TEKNISI", "kasi_infra", None, {}),
    ("infra3", "Hendra Gunawan", "SEKSI-INFRA", "TEKNISI", "kasi_infra", None, {}),
    ("infra4", "Yusran Tahir", "SEKSI-INFRA", "PRAKOM", "kasi_infra", None, {"type": EmployeeType.PPPK}),
    ("app1", "Nadia Paramitha", "SEKSI-APLIKASI", "PRAKOM", "kasi_aplikasi", None, {}),
    ("app2", "Muh. Akbar Zainal", "SEKSI-APLIKASI", "PRAKOM", "kasi_aplikasi", None, {"new_in_post": True}),
    ("app3", "Ayu Lestari Wulandari", "SEKSI-APLIKASI", "PRAKOM", "kasi_aplikasi", None, {}),
    ("app4", "Taufik Hidayat", "SEKSI-APLIKASI", "ANALIS", "kasi_aplikasi", None, {}),
    ("app5", "Citra Maharani", "SEKSI-APLIKASI", "PRAKOM", "app1", None, {}),  # app1 leads a team
    (
        "app6",
        "Ilham Maulana",
        "SEKSI-APLIKASI",
        "PENGADM",
        "kasi_aplikasi",
        None,
        {"type": EmployeeType.PPPK_PARUH_WAKTU},
    ),
    ("upt1", "Maria Kambuaya", "UPT-DATA-TIMUR", "PRAKOM", "kaupt", None, {}),
    ("upt2", "Benny Yikwa", "UPT-DATA-TIMUR", "ANALIS", "kaupt", None, {}),
    ("upt3", "Agustina Rumbiak", "UPT-DATA-TIMUR", "PENGADM", "kaupt", None, {}),
    ("ikp1", "Zulkifli Mappasessu", "BID-IKP", "ANALIS", "kabid_ikp", None, {}),
    ("aptika1", "Ratna Sari Dewi", "BID-APTIKA", "ANALIS", "kabid_aptika", None, {}),
    ("sekr1", "Abdul Rasyid", "SEKRETARIAT", "PENGADM", "sekretaris", None, {}),
    # The emergency call centre: a head on office hours and eight operators on a rotation.
    ("kaupt112", "Hasnawati Rauf", "UPT-112", "KAUPT", "kadis", "UPT-112", {"gender": 2}),
    ("opr1", "Andi Nurul Fadhilah", "UPT-112", "OPR112", "kaupt112", None, {"gender": 2}),
    ("opr2", "Muhammad Ridwan Saleh", "UPT-112", "OPR112", "kaupt112", None, {"gender": 1}),
    ("opr3", "Sitti Aisyah Paturusi", "UPT-112", "OPR112", "kaupt112", None, {"gender": 2}),
    ("opr4", "Arman Daeng Tompo", "UPT-112", "OPR112", "kaupt112", None, {"gender": 1}),
    ("opr5", "Nurfadillah Hamid", "UPT-112", "OPR112", "kaupt112", None, {"gender": 2}),
    ("opr6", "Erwin Syahputra", "UPT-112", "OPR112", "kaupt112", None, {"gender": 1, "type": EmployeeType.PPPK}),
    ("opr7", "Yuliana Tandilino", "UPT-112", "OPR112", "kaupt112", None, {"gender": 2}),
    ("opr8", "Fajar Nugroho", "UPT-112", "OPR112", "kaupt112", None, {"gender": 1}),
]
ROSTER_HEAD = "kaupt112"
OPERATORS = [f"opr{n}" for n in range(1, 9)]

LOCATIONS = [
    ("Mal Pelayanan Publik Kota Makassar", "-5.135400", "119.412500", 150),
    ("Co-working Space Benteng Rotterdam", "-5.133900", "119.405600", 120),
    ("Kantor Kominfo Kabupaten Gowa", "-5.207900", "119.453700", 200),
]


# A second, small agency in WIT: its people never appear in the first agency's pages.
SECOND_AGENCY_CODE = "BKD-AMBON"
SECOND_TIME_ZONE = "Asia/Jayapura"
SECOND_UNITS = [
    ("BKD", "Badan Kepegawaian Daerah", None),
    ("BKD-SEKR", "Sekretariat", "BKD"),
    ("BKD-MUTASI", "Bidang Mutasi dan Promosi", "BKD"),
]
SECOND_OFFICE = {"office_latitude": "-3.695400", "office_longitude": "128.181400", "office_radius_m": 150}
SECOND_POSITIONS = [
    ("KABAN", "Kepala Badan", PositionType.JPT, False),
    ("KABID", "Kepala Bidang / Sekretaris", PositionType.ADMINISTRATOR, True),
    ("ANALIS", "Analis SDM Aparatur", PositionType.FUNGSIONAL, True),
    ("PENGADM", "Pengadministrasi Umum", PositionType.PELAKSANA, True),
]
# key, name, unit, position, supervisor key, heads unit
SECOND_PEOPLE = [
    ("kaban", "Drs. Johanis Latuheru", "BKD", "KABAN", None, "BKD"),
    ("sekr", "Maria Pattiasina", "BKD-SEKR", "KABID", "kaban", "BKD-SEKR"),
    ("kabid", "Abdullah Tuasikal", "BKD-MUTASI", "KABID", "kaban", "BKD-MUTASI"),
    ("hr", "Grace Sahetapy", "BKD-SEKR", "ANALIS", "sekr", None),
    ("sekr1", "Umar Lessy", "BKD-SEKR", "PENGADM", "sekr", None),
    ("mutasi1", "Novita Wattimena", "BKD-MUTASI", "ANALIS", "kabid", None),
    ("mutasi2", "Fransiskus Rumthe", "BKD-MUTASI", "ANALIS", "kabid", None),
    ("mutasi3", "Siti Marasabessy", "BKD-MUTASI", "PENGADM", "kabid", None),
]


def second_nip(index: int) -> str:
    """A valid, stable NIP for the second agency's people: born 1975 onwards, in service from 2000,
    sequence numbers from 201 (NIPs are unique in the installation; the first agency's end at 040)."""
    birth = datetime.date(1975, 1, 15) + datetime.timedelta(days=index * 397)
    return f"{birth:%Y%m%d}{2000 + index}{index % 12 + 1:02d}{index % 2 + 1}{201 + index:03d}"


def demo_nip(index: int, *, employee_type: str) -> str:
    """A valid, stable NIP per demo person (docs/rules.md §7)."""
    birth = datetime.date(1968, 3, 1) + datetime.timedelta(days=index * 211)
    start_year = 1995 + index % 28
    middle = f"{index % 12 + 1:02d}" if employee_type == EmployeeType.PNS else "21"
    return f"{birth:%Y%m%d}{start_year}{middle}{index % 2 + 1}{index + 1:03d}"


def roster_nip(index: int, *, employee_type: str, gender: int) -> str:
    """A valid, stable NIP for the call centre's people (sequence numbers 041 on, after the first 40):
    born 1979 onwards, in service from their twenty-third to twenty-fifth year."""
    birth = datetime.date(1979, 5, 12) + datetime.timedelta(days=index * 331)
    start_year = birth.year + 23 + index % 3
    middle = f"{index % 12 + 1:02d}" if employee_type == EmployeeType.PNS else "21"
    return f"{birth:%Y%m%d}{start_year}{middle}{gender}{41 + index:03d}"


@dataclass
class Account:
    key: str
    username: str
    name: str
    role: str
    user: object


class Command(BaseCommand):
    help = (
        "Create (once) a demo agency in WITA with ~40 employees and months of history, and a small second agency "
        "in WIT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the accounts with fresh API tokens as JSON.")

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts, created = self.seed()
        if options["json"]:
            self.print_json(accounts)
            return
        self.stdout.write(f"Demo agencies {AGENCY_CODE} and {SECOND_AGENCY_CODE}: {created} new objects.")
        self.stdout.write(f"Every demo account has the password: {DEMO_PASSWORD}")
        self.stdout.write("MFA is not required for demo accounts (the demo agency's policy turns HR MFA off).")
        for account in accounts:
            if account.role != "employee":
                where = SECOND_AGENCY_CODE if account.key.startswith("ambon-") else AGENCY_CODE
                self.stdout.write(f"  {account.role:<12} {account.username}  {account.name}  ({where})")
        self.stdout.write("  (and more employees; `seed_demo --json` lists every account with a token)")

    # ------------------------------------------------------------------------ data

    def seed(self) -> tuple[list[Account], int]:
        created = 0
        today = today_in(DEMO_TIME_ZONE)
        agency = Agency.objects.filter(code=AGENCY_CODE).first()
        if agency is None:
            agency = services.agency_create(
                code=AGENCY_CODE,
                name="Dinas Komunikasi dan Informatika Provinsi Sulawesi Selatan (demo)",
                time_zone=DEMO_TIME_ZONE,
                fwa_start_date=datetime.date(today.year, 1, 1),
                mfa_required_for_hr=False,
            )
            created += 1

        units: dict[str, Unit] = {u.code: u for u in Unit.objects.filter(agency=agency)}
        for code, name, parent_code, extra in UNITS:
            if code not in units:
                fields = {**OFFICE, **extra}
                units[code] = services.unit_create(
                    agency=agency, code=code, name=name, parent=units[parent_code] if parent_code else None, **fields
                )
                created += 1

        positions: dict[str, Position] = {p.code: p for p in Position.objects.filter(agency=agency)}
        for code, name, kind, eligible in POSITIONS:
            if code not in positions:
                criteria = ALL_CRITERIA if eligible else {}
                positions[code] = services.position_create(
                    agency=agency, code=code, name=name, type=kind, is_fwa_eligible=eligible, **criteria
                )
                created += 1

        people: dict[str, Employee] = {}
        existing = {e.nip: e for e in Employee.objects.filter(agency=agency).select_related("user")}
        for index, (key, name, unit_code, position_code, supervisor_key, _heads, extra) in enumerate(PEOPLE):
            employee_type = extra.get("type", EmployeeType.PNS)
            if unit_code == ROSTER_UNIT:
                first = next(n for n, person in enumerate(PEOPLE) if person[2] == ROSTER_UNIT)
                nip = roster_nip(index - first, employee_type=employee_type, gender=extra["gender"])
            else:
                nip = demo_nip(index, employee_type=employee_type)
            if nip in existing:
                people[key] = existing[nip]
                continue
            start = today - datetime.timedelta(days=60) if extra.get("new_in_post") else datetime.date(2021, 1, 4)
            sanction = {}
            if extra.get("sanction"):
                sanction = {
                    "sanction_start": today - datetime.timedelta(days=30),
                    "sanction_end": today + datetime.timedelta(days=150),
                }
            people[key] = services.employee_create(
                agency=agency,
                nip=nip,
                name=name,
                employee_type=employee_type,
                unit=units[unit_code],
                position=positions[position_code],
                position_start_date=start,
                supervisor=people[supervisor_key] if supervisor_key else None,
                email=f"{key}@demo.flexwork.localhost",
                **sanction,
            )
            created += 1

        # One hash of the demo password for every new login (hashing it forty times took most of the run).
        new_users = [people[key].user_id for key, *_rest in PEOPLE if people[key].nip not in existing]
        if new_users:
            User.objects.filter(id__in=new_users).update(password=make_password(DEMO_PASSWORD))

        for key, _name, _unit, _position, _supervisor, heads, _extra in PEOPLE:
            if heads and units[heads].head_id != people[key].id:
                units[heads] = services.unit_update(unit=units[heads], data={"head": people[key]})
                created += 1

        for key, role in (("kadis", Role.AGENCY_HEAD), ("hr", Role.HR_ADMIN), ("kasubbag_kepeg", Role.HR_ADMIN)):
            if not RoleAssignment.objects.filter(agency=agency, user=people[key].user, role=role).exists():
                services.role_assign(agency=agency, user=people[key].user, role=role)
                created += 1

        names = set(DesignatedLocation.objects.filter(agency=agency).values_list("name", flat=True))
        for name, latitude, longitude, radius in LOCATIONS:
            if name not in names:
                services.location_create(
                    agency=agency, name=name, latitude=latitude, longitude=longitude, radius_m=radius
                )
                created += 1

        created += len(services.holidays_seed(agency=agency, year=today.year))
        created += self.seed_ramadan(agency=agency, year=today.year)
        created += self.seed_directive(agency=agency, actor=people["hr"].user, today=today)
        created += self.seed_work_week(unit=units[ROSTER_UNIT], positions=positions)
        eligible = {
            people[key].id
            for key, _name, unit_code, position_code, supervisor_key, _heads, extra in PEOPLE
            if supervisor_key
            and positions[position_code].is_fwa_eligible
            and not extra.get("new_in_post")
            and unit_code != ROSTER_UNIT
        }
        created += seed_homes(agency=agency, eligible_keys=eligible)
        created += seed_history(agency=agency, eligible_keys=eligible)
        from leave.demo import seed_leave_balances  # docs/rules.md §9: balances with carry-over

        created += seed_leave_balances(agency=agency)
        created += seed_shifts(
            agency=agency,
            unit=Unit.objects.get(id=units[ROSTER_UNIT].id),
            head=people[ROSTER_HEAD],
            operators=[people[key] for key in OPERATORS],
        )
        created += seed_skps(agency=agency)
        created += seed_reports(agency=agency, user=people["hr"].user)
        second_accounts, second_created = self.seed_second_agency(today=today)
        return self.accounts(people) + second_accounts, created + second_created

    def seed_second_agency(self, *, today: datetime.date) -> tuple[list[Account], int]:
        """A small agency in WIT with its own HR admin and head, to show that agencies are apart."""
        created = 0
        agency = Agency.objects.filter(code=SECOND_AGENCY_CODE).first()
        if agency is None:
            agency = services.agency_create(
                code=SECOND_AGENCY_CODE,
                name="Badan Kepegawaian Daerah Kota Ambon (demo)",
                time_zone=SECOND_TIME_ZONE,
                fwa_start_date=datetime.date(today.year, 1, 1),
                mfa_required_for_hr=False,
            )
            created += 1
        units = {u.code: u for u in Unit.objects.filter(agency=agency)}
        for code, name, parent_code in SECOND_UNITS:
            if code not in units:
                units[code] = services.unit_create(
                    agency=agency,
                    code=code,
                    name=name,
                    parent=units[parent_code] if parent_code else None,
                    **SECOND_OFFICE,
                )
                created += 1
        positions = {p.code: p for p in Position.objects.filter(agency=agency)}
        for code, name, kind, eligible in SECOND_POSITIONS:
            if code not in positions:
                positions[code] = services.position_create(
                    agency=agency,
                    code=code,
                    name=name,
                    type=kind,
                    is_fwa_eligible=eligible,
                    **(ALL_CRITERIA if eligible else {}),
                )
                created += 1
        people: dict[str, Employee] = {}
        existing = {e.nip: e for e in Employee.objects.filter(agency=agency)}
        for index, (key, name, unit_code, position_code, supervisor_key, _heads) in enumerate(SECOND_PEOPLE):
            nip = second_nip(index)
            if nip in existing:
                people[key] = existing[nip]
                continue
            people[key] = services.employee_create(
                agency=agency,
                nip=nip,
                name=name,
                employee_type=EmployeeType.PNS,
                unit=units[unit_code],
                position=positions[position_code],
                position_start_date=datetime.date(2021, 1, 4),
                supervisor=people[supervisor_key] if supervisor_key else None,
                email=f"ambon-{key}@demo.flexwork.localhost",
            )
            created += 1
        new_users = [people[key].user_id for key, *_rest in SECOND_PEOPLE if people[key].nip not in existing]
        if new_users:
            User.objects.filter(id__in=new_users).update(password=make_password(DEMO_PASSWORD))
        for key, *_rest, heads in SECOND_PEOPLE:
            if heads and units[heads].head_id != people[key].id:
                units[heads] = services.unit_update(unit=units[heads], data={"head": people[key]})
                created += 1
        for key, role in (("kaban", Role.AGENCY_HEAD), ("hr", Role.HR_ADMIN)):
            if not RoleAssignment.objects.filter(agency=agency, user=people[key].user, role=role).exists():
                services.role_assign(agency=agency, user=people[key].user, role=role)
                created += 1
        created += len(services.holidays_seed(agency=agency, year=today.year))
        special = {"kaban": "agency_head", "hr": "hr_admin"}
        heads = {key for key, *_rest, heads in SECOND_PEOPLE if heads}
        accounts = [
            Account(
                key=f"ambon-{key}",
                username=people[key].nip,
                name=people[key].name,
                role=special.get(key) or ("unit_head" if key in heads else "employee"),
                user=people[key].user,
            )
            for key, *_rest in SECOND_PEOPLE
        ]
        return accounts, created

    def seed_work_week(self, *, unit: Unit, positions: dict[str, Position]) -> int:
        """The call centre works a roster on its decree; its operators' posts work shifts because the
        service runs over 8 h 30 min a day (docs/rules.md §8)."""
        made = Unit.objects.filter(id=unit.id, work_week=WorkWeek.MON_FRI).update(
            work_week=WorkWeek.ROSTER, work_week_basis=ROSTER_BASIS
        )
        ids = [positions[code].id for code in SHIFT_POSITIONS]
        made += Position.objects.filter(id__in=ids, shift_eligible=False).update(
            shift_eligible=True, shift_criterion=ShiftCriterion.DAILY_OVER_8H30
        )
        return made

    def seed_ramadan(self, *, agency: Agency, year: int) -> int:
        """Ramadan = the 30 days before Idul Fitri (from the seeded, possibly estimated, holiday)."""
        eid = (
            Holiday.objects.filter(
                agency=agency, date__year=year, kind=HolidayKind.LIBUR_NASIONAL, name__startswith="Hari Raya Idul Fitri"
            )
            .order_by("date")
            .first()
        )
        if eid is None:
            return 0
        end = eid.date - datetime.timedelta(days=1)
        start = end - datetime.timedelta(days=29)
        if RamadanRange.objects.filter(agency=agency, start__lte=end, end__gte=start).exists():
            return 0
        services.ramadan_range_create(agency=agency, start=start, end=end)
        return 1

    def seed_directive(self, *, agency: Agency, actor, today: datetime.date) -> int:
        """One agency-wide directive: the working days after Christmas at home, at most half a unit away."""
        from schedules.models import Directive, Location
        from schedules.services import directive_create

        if Directive.objects.filter(agency=agency).exists():
            return 0
        start = datetime.date(today.year, 12, 28)
        if start < today:
            start = today + datetime.timedelta(days=7)
        directive_create(
            agency_id=agency.id,
            unit=None,
            date_from=start,
            date_to=start + datetime.timedelta(days=3),
            allowed_locations=[Location.HOME, Location.OFFICE],
            max_share_percent=50,
            message="Dalam rangka efisiensi energi akhir tahun, pegawai dapat bekerja dari rumah "
            "dengan paling banyak separuh pegawai setiap unit kerja berada di luar kantor.",
            actor=actor,
        )
        return 1

    def accounts(self, people: dict[str, Employee]) -> list[Account]:
        heads = {key for key, *_rest, heads, _extra in PEOPLE if heads}
        supervisors = {supervisor for *_start, supervisor, _heads, _extra in PEOPLE if supervisor}
        special = {"kadis": "agency_head", "hr": "hr_admin", "kasubbag_kepeg": "hr_admin"}
        accounts = []
        for key, *_rest in PEOPLE:
            employee = people[key]
            if key in special:
                role = special[key]
            elif key in heads:
                role = "unit_head"
            elif key in supervisors:
                role = "supervisor"
            else:
                role = "employee"
            accounts.append(Account(key, employee.nip, employee.name, role, employee.user))
        return accounts

    def print_json(self, accounts: list[Account]) -> None:
        from flexwork.accounts.services import api_token_create

        rows = []
        with transaction.atomic():
            for account in accounts:
                _token, key = api_token_create(user=account.user, name="seed_demo", expires_in_days=30)
                rows.append(
                    {
                        "username": account.username,
                        "password": DEMO_PASSWORD,
                        "role": account.role,
                        "name": account.name,
                        "agency": SECOND_AGENCY_CODE if account.key.startswith("ambon-") else AGENCY_CODE,
                        "token": key,
                    }
                )
        self.stdout.write(json.dumps({"agency": AGENCY_CODE, "accounts": rows}, indent=2))
