"""Both catalogues are complete for the code as it is now: a string added without a translation
fails here (makemessages runs on a copy of the tree, so the checkout is never modified)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every installed app of the project (the domain apps sit at the top level) with the templates and catalogues.
DOMAIN_APPS = ["schedules", "attendance", "performance", "shifts", "leave", "allowances"]
SOURCES = ["manage.py", "flexwork", *DOMAIN_APPS, "templates", "locale", "locale_allauth"]


def test_every_domain_app_is_copied():
    """A new app left out of the copy would fail makemessages (its module is missing) or, worse, skip its strings."""
    from django.conf import settings

    top_level = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert top_level - {"flexwork"} == set(DOMAIN_APPS)


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True, check=True
    )
    return result.stderr


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "flexwork.settings.test"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "id",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
            "--ignore=locale_allauth/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_string_of_the_code_is_translated(fresh_catalogues, language):
    stats = statistics(fresh_catalogues / "locale" / language / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, f"locale/{language}: {stats}"


def test_the_allauth_supplement_is_complete():
    stats = statistics(ROOT / "locale_allauth" / "id" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
