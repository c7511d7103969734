"""Keep one version number across every distribution.

- `python tools/versions.py check`: exit 1 when any package version, any pin between workspace
  packages, or core's `__version__` differs from the others. uv does not police pins between
  workspace members, so this does.
- `python tools/versions.py bump 0.2.0`: rewrite all of them to the new version.

Standard library only, so it runs before any environment exists.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "packages"
VERSION_FILE = PACKAGES / "basecamp-core" / "src" / "basecamp" / "_version.py"
VERSION_RE = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
PROJECT_VERSION_RE = re.compile(r'^version = "([^"]+)"$', re.MULTILINE)
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?$")


@dataclass(frozen=True)
class Finding:
    where: str
    version: str


def workspace_names() -> set[str]:
    return {p.parent.name for p in PACKAGES.glob("*/pyproject.toml")}


def pin_pattern(names: set[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf'"({alternatives})\s*([=<>!~]=?)\s*([^";\s]+)"')


def collect() -> list[Finding]:
    """Every place a version of ours is written down."""
    names = workspace_names()
    pins = pin_pattern(names)
    findings: list[Finding] = []
    for pyproject in sorted(PACKAGES.glob("*/pyproject.toml")):
        text = pyproject.read_text()
        data = tomllib.loads(text)
        rel = pyproject.relative_to(ROOT)
        findings.append(Finding(f"{rel} [project.version]", data["project"]["version"]))
        for dep in data["project"].get("dependencies", []):
            match = pins.fullmatch(f'"{dep}"')
            if match is None:
                continue
            name, op, version = match.groups()
            if op != "==":
                findings.append(Finding(f"{rel}: {name} must be pinned with ==", f"{op}{version}"))
            else:
                findings.append(Finding(f"{rel}: pin on {name}", version))
        for dep in data["project"].get("dependencies", []):
            bare = re.split(r"[\s=<>!~;\[]", dep, maxsplit=1)[0]
            if bare in names and pins.fullmatch(f'"{dep}"') is None:
                findings.append(Finding(f"{rel}: {bare} is not pinned to a version", "unpinned"))
    version_match = VERSION_RE.search(VERSION_FILE.read_text())
    findings.append(
        Finding(
            str(VERSION_FILE.relative_to(ROOT)),
            version_match.group(1) if version_match else "missing",
        )
    )
    return findings


def check() -> int:
    findings = collect()
    versions = {f.version for f in findings}
    if len(versions) == 1 and SEMVER_RE.match(next(iter(versions))):
        print(f"versions agree: {versions.pop()} in {len(findings)} places")
        return 0
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.version] = counts.get(f.version, 0) + 1
    majority = max(counts, key=lambda v: counts[v])
    print(f"version mismatch (most places say {majority}):", file=sys.stderr)
    for f in findings:
        if f.version != majority or not SEMVER_RE.match(f.version):
            print(f"  {f.where}: {f.version}", file=sys.stderr)
    return 1


def bump(new: str) -> int:
    if not SEMVER_RE.match(new):
        print(f"not a version: {new!r} (expected e.g. 1.2.3 or 1.2.3rc1)", file=sys.stderr)
        return 2
    names = workspace_names()
    pins = pin_pattern(names)
    for pyproject in sorted(PACKAGES.glob("*/pyproject.toml")):
        text = pyproject.read_text()
        text = PROJECT_VERSION_RE.sub(f'version = "{new}"', text, count=1)
        text = pins.sub(lambda m: f'"{m.group(1)}=={new}"', text)
        pyproject.write_text(text)
    VERSION_FILE.write_text(VERSION_RE.sub(f'__version__ = "{new}"', VERSION_FILE.read_text()))
    print(f"bumped every package to {new}; run `make lock` to refresh uv.lock")
    return check()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="fail on any version mismatch")
    bump_parser = sub.add_parser("bump", help="set every version to NEW")
    bump_parser.add_argument("new")
    args = parser.parse_args(argv)
    return check() if args.command == "check" else bump(args.new)


if __name__ == "__main__":
    sys.exit(main())
