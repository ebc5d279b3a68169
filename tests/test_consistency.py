"""Project rules that no single feature test would catch."""

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_READ = re.compile(
    r"""(?:env_\w+|os\.environ\.get|os\.environ\.setdefault|env_required)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def python_sources():
    for folder in ("cooperer", "tests", "bench"):
        yield from (ROOT / folder).rglob("*.py")


def test_every_environment_variable_is_documented():
    documented = (ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    read = {name for path in python_sources() for name in ENV_READ.findall(path.read_text(encoding="utf-8"))}
    assert read, "the scan found no variable: the pattern is broken"
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert missing == [], f"undocumented in docs/environment.md: {missing}"


def test_vendored_assets_match_their_recorded_hashes():
    vendor = ROOT / "cooperer" / "core" / "static" / "vendor"
    table = (vendor / "VENDORED.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+?) \|.*\| ([0-9a-f]{64}) \|$", table, flags=re.M)
    assert rows, "VENDORED.md lists no file"
    for relative, digest in rows:
        assert hashlib.sha256((vendor / relative).read_bytes()).hexdigest() == digest, relative


def test_templates_load_nothing_from_outside():
    for template in (ROOT / "cooperer").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://""", text), f"{template} loads an external resource"


def test_no_relative_imports_and_no_django_in_the_locator():
    locator = (ROOT / "cooperer" / "territories" / "locator.py").read_text(encoding="utf-8")
    assert "django" not in locator
    for path in python_sources():
        assert not re.search(r"^from \.", path.read_text(encoding="utf-8"), flags=re.M), path


def test_the_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head


def test_every_adr_is_listed_in_the_architecture_document():
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for adr in sorted((ROOT / "docs" / "adr").glob("*.md")):
        assert adr.name in architecture, f"{adr.name} is not referenced in docs/architecture.md"
