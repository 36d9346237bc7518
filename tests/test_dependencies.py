"""The dependency locks (CONTRIBUTING.md, "Dependencies"): the production image gets the runtime set only, every
pin carries hashes, the development lock agrees with the runtime one, and the environment the suite runs in is
the locked one."""

import re
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.MULTILINE)
DEV_TOOLS = {"pytest", "pytest-django", "pytest-xdist", "playwright", "ruff", "faker", "factory-boy", "schemathesis"}


def pins(name: str) -> dict[str, str]:
    text = (REQUIREMENTS / name).read_text()
    return {package.lower().replace("_", "-"): version for package, version in PIN.findall(text)}


def test_the_runtime_lock_carries_no_development_tool():
    runtime = pins("base.txt")
    assert {"django", "celery", "django-allauth", "psycopg2-binary", "holidays"} <= runtime.keys()
    assert not DEV_TOOLS & runtime.keys()
    assert DEV_TOOLS <= pins("dev.txt").keys()


def test_the_development_lock_pins_the_runtime_set_at_the_same_versions():
    development = pins("dev.txt")
    for package, version in pins("base.txt").items():
        assert development.get(package) == version, package


def test_every_pin_has_a_hash():
    for name in ("base.txt", "dev.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", (REQUIREMENTS / name).read_text())
        locked = [block for block in blocks if PIN.match(block)]
        assert locked and all("--hash=sha256:" in block for block in locked), name


def test_make_and_the_image_install_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK := requirements/dev.txt" in makefile
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "$(VENV)/.installed: $(LOCK) requirements/base.txt" in makefile  # a changed lock reinstalls
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/base.txt" in dockerfile
    assert "dev.txt" not in dockerfile


def test_the_suite_runs_on_the_locked_versions():
    for package, version in pins("dev.txt").items():
        if package in {"pip", "setuptools"}:
            continue
        assert metadata.version(package) == version, package
