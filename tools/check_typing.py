"""Type-check user programs and every README example against the built wheels, in two checkers.

Usage: `python tools/check_typing.py dist` (after `uv build --all-packages --no-sources`), run
inside the workspace environment (`make check-typing`), whose locked mypy and basedpyright do the
checking.

1. A scratch venv gets every wheel (and pytest, for the plugin's fixtures, and the web frameworks
   the webhooks recipes use, with django-stubs): the checkers see what a user's `pip install`
   gives, not the workspace sources.
2. Programs: `tests/typing/clean/*.py` must pass with zero errors; each `tests/typing/mistakes/*.py`
   marks one line with `# expect-error` and must fail on exactly that line and nowhere else. Every
   ```python block of every README is a clean program too (a README marked "script" below runs
   top to bottom as one program; a block with a top-level `await` is wrapped in `async def`).
   All of them go through one `mypy --strict` run and one Pyright strict run.
3. `--verifytypes` on each public package must report 100% known types.

`PENDING_*` hold what is known not to pass yet, each waiting on named work. A pending entry that
starts passing fails the check, so each list only shrinks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the webhooks README's framework recipes import (django-stubs gives Django its types).
RECIPE_FRAMEWORKS = (
    "starlette",
    "fastapi",
    "flask",
    "django",
    "django-stubs",
    "waitress",
    "uvicorn",
)
PROGRAMS = ROOT / "tests" / "typing"
UV = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools/uv/bin/uv")
BIN = Path(sys.executable).parent
MARKER = "# expect-error"

# READMEs whose blocks build on one another: checked as one program. The others: block by block.
SCRIPT_READMES = {
    "packages/basecamp-oauth/README.md",
    "packages/basecamp-services/README.md",
    "packages/basecamp-testing/README.md",
}
PACKAGES = (
    "basecamp",
    "basecamp.oauth",
    "basecamp.webhooks",
    "basecamp.services",
    "basecamp.testing",
)

# Programs (paths under tests/typing/) and README blocks ("<readme>#<block number>") that need the
# webhooks branch: typed nested event parts with Mapping access (`event["kind"]`,
# `event.recording["title"].upper()`) and `basecamp.webhooks`'s module `__getattr__` hidden from
# checkers. The integrator empties this list once that branch is merged.
PENDING_WEBHOOKS_BRANCH: set[str] = set()

# Programs that need `basecamp.testing`'s module `__getattr__` hidden from checkers, as core and
# services do (`if not TYPE_CHECKING:`), a change in the testing package's source.
PENDING_TESTING_SOURCE: set[str] = set()

# Public symbols whose type Pyright cannot know for sure yet: attributes assigned in `__init__`
# without a declaration, in code another branch or package owner changes. name -> who fixes it.
PENDING_UNKNOWN_SYMBOLS: dict[str, str] = {}
PENDING = {
    **dict.fromkeys(PENDING_WEBHOOKS_BRANCH, "PENDING_WEBHOOKS_BRANCH"),
    **dict.fromkeys(PENDING_TESTING_SOURCE, "PENDING_TESTING_SOURCE"),
}


@dataclass
class Program:
    """One file the checkers see, and where each of its lines came from."""

    key: str  # how reports name it: tests/typing/... or README.md#2
    text: str
    origin: list[str] = field(default_factory=list)  # line n+1 -> "path:line"
    expect: int | None = None  # the marked line of a mistake program
    mistake: bool = False


def readme_programs() -> list[Program]:
    readmes = [ROOT / "README.md", *sorted(ROOT.glob("packages/*/README.md"))]
    readmes += [ROOT / "CONTRIBUTING.md", ROOT / "SECURITY.md", ROOT / "benchmarks" / "README.md"]
    programs: list[Program] = []
    block_re = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
    for path in readmes:
        if not path.exists():
            continue
        rel = str(path.relative_to(ROOT))
        text = path.read_text()
        blocks = [
            (text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in block_re.finditer(text)
        ]
        numbered = [(n, line, block) for n, (line, block) in enumerate(blocks)]
        if rel in SCRIPT_READMES and numbered:
            # Each block stands alone for a reader, so a later one may import a name again.
            program = Program(key=rel, text="# pyright: reportDuplicateImport=false\n")
            program.origin.append(f"{rel} (header)")
            for number, first_line, block in numbered:
                _append_block(program, rel, number, first_line, block)
            programs.append(program)
        else:
            for number, first_line, block in numbered:
                program = Program(key=f"{rel}#{number}", text="")
                _append_block(program, rel, number, first_line, block)
                programs.append(program)
    return programs


def _append_block(program: Program, rel: str, number: int, first_line: int, block: str) -> None:
    lines = block.splitlines()
    origins = [f"{rel}:{first_line + i} (block {number})" for i in range(len(lines))]
    top_level_await = re.search(r"^(await |async with |async for )", block, re.MULTILINE)
    if top_level_await and "async def" not in block:
        lines = [f"async def readme_block_{number}() -> None:", *("    " + x for x in lines)]
        origins = [origins[0], *origins]
    program.text += "\n".join(lines) + "\n\n"
    program.origin += [*origins, f"{rel} (after block {number})"]


def user_programs() -> list[Program]:
    programs: list[Program] = []
    for kind in ("clean", "mistakes"):
        for path in sorted((PROGRAMS / kind).glob("*.py")):
            rel = str(path.relative_to(PROGRAMS))
            text = path.read_text()
            lines = text.splitlines()
            marked = [n + 1 for n, line in enumerate(lines) if line.rstrip().endswith(MARKER)]
            program = Program(
                key=rel,
                text=text,
                origin=[f"tests/typing/{rel}:{n + 1}" for n in range(len(lines))],
                mistake=kind == "mistakes",
            )
            if program.mistake and len(marked) != 1:
                raise SystemExit(f"{rel}: mark exactly one line with `{MARKER}`")
            if not program.mistake and marked:
                raise SystemExit(f"{rel}: a clean program marks no error")
            program.expect = marked[0] if marked else None
            programs.append(program)
    return programs


def scratch_venv(tmp: Path, dist: Path) -> Path:
    wheels = sorted(dist.glob("*.whl"))
    if len(wheels) < 6:
        raise SystemExit(f"expected every wheel in {dist}, found {[w.name for w in wheels]}")
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    pytest_version = next(p["version"] for p in lock["package"] if p["name"] == "pytest")
    pytest_pin = f"pytest=={pytest_version}"  # the plugin's fixtures need pytest's types
    target = tmp / "venv"
    subprocess.run([UV, "venv", "--quiet", "--python", sys.executable, str(target)], check=True)
    python = target / "bin" / "python"
    # The web frameworks of the webhooks README's recipes, at the workspace's locked versions,
    # so those blocks are checked like every other.
    frameworks = [f"{name}=={version(name)}" for name in RECIPE_FRAMEWORKS]
    subprocess.run(
        [
            UV,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            *map(str, wheels),
            pytest_pin,
            *frameworks,
        ],
        check=True,
    )
    return python


def write_programs(tmp: Path, programs: list[Program]) -> dict[Path, Program]:
    files: dict[Path, Program] = {}
    folder = tmp / "programs"
    folder.mkdir()
    for number, program in enumerate(programs):
        # One flat folder of unique module names: neither checker sees two `__main__`s.
        stem = re.sub(r"\W+", "_", program.key.removesuffix(".py")).strip("_").lower()
        path = folder / f"p{number:03d}_{stem}.py"
        path.write_text(program.text)
        files[path.resolve()] = program
    return files


Errors = dict[Path, dict[int, list[str]]]


def run_mypy(tmp: Path, python: Path, files: list[Path]) -> Errors:
    config = tmp / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\npython_version = 3.11\nwarn_unreachable = True\n")
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--config-file", str(config)),
            *("--python-executable", str(python), "--cache-dir", str(tmp / "mypy-cache")),
            *("--no-error-summary", "--hide-error-context", *map(str, files)),
        ],
        capture_output=True,
        text=True,
        cwd=tmp,
        env=env,
        check=False,
    )
    errors: Errors = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^(.+?\.py):(\d+): error: (.*)$", line)
        if match:
            path = (tmp / match.group(1)).resolve()
            errors.setdefault(path, {}).setdefault(int(match.group(2)), []).append(match.group(3))
    if result.returncode not in (0, 1) or (result.returncode == 1 and not errors):
        raise SystemExit(f"mypy did not run:\n{result.stdout}{result.stderr}")
    return errors


def run_pyright(tmp: Path, files: list[Path]) -> Errors:
    config = tmp / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "include": ["programs"],
                "typeCheckingMode": "strict",
                "pythonVersion": "3.11",
                "venvPath": str(tmp),
                "venv": "venv",
            }
        )
    )
    result = subprocess.run(
        [str(BIN / "basedpyright"), "--project", str(config), "--outputjson"],
        capture_output=True,
        text=True,
        cwd=tmp,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pyright did not run:\n{result.stdout}{result.stderr}") from None
    errors: Errors = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] not in ("error", "warning"):
            continue
        path = Path(diagnostic["file"]).resolve()
        line = diagnostic["range"]["start"]["line"] + 1
        rule = diagnostic.get("rule", "")
        errors.setdefault(path, {}).setdefault(line, []).append(f"{diagnostic['message']} {rule}")
    checked = report["summary"]["filesAnalyzed"]
    if checked < len(files):
        raise SystemExit(f"pyright analysed {checked} of {len(files)} programs")
    return errors


def judge(program: Program, errors: dict[int, list[str]]) -> list[str]:
    """What is wrong with one checker's verdict on one program (nothing: it is right)."""
    problems: list[str] = []
    for line, messages in sorted(errors.items()):
        if line == program.expect:
            continue
        where = program.origin[line - 1] if line <= len(program.origin) else f"line {line}"
        problems += [f"{where}: {message.splitlines()[0]}" for message in messages]
    if program.expect is not None and program.expect not in errors:
        problems.append(f"{program.origin[program.expect - 1]}: the marked mistake was not caught")
    return problems


def verify_types(python: Path) -> list[str]:
    failures: list[str] = []
    pending_seen: set[str] = set()
    env = {**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("VIRTUAL_ENV", None)
    for package in PACKAGES:
        # Pyright's --verifytypes finds packages through the `python` on PATH: the scratch venv's.
        result = subprocess.run(
            [
                str(BIN / "basedpyright"),
                "--verifytypes",
                package,
                "--ignoreexternal",
                "--outputjson",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=python.parent.parent,
            check=False,
        )
        try:
            completeness = json.loads(result.stdout)["typeCompleteness"]
        except (json.JSONDecodeError, KeyError):
            raise SystemExit(f"--verifytypes {package} did not run:\n{result.stderr}") from None
        if not completeness.get("pyTypedPath"):
            failures.append(f"--verifytypes {package}: the installed wheel has no py.typed")
        # Every symbol of the public surface, exported or reached through one. The causes are
        # the ones whose own declaration is incomplete; the rest are "partially unknown" through
        # them (a class through its attribute, a function through its return type...).
        incomplete = [
            s for s in completeness["symbols"] if not s["isTypeKnown"] or s["isTypeAmbiguous"]
        ]
        causes = {
            s["name"]: _where(d)
            for s in incomplete
            for d in s["diagnostics"]
            if "partially unknown" not in d["message"]
        }
        pending = set(causes) & set(PENDING_UNKNOWN_SYMBOLS)
        pending_seen |= pending
        surprises = {name: where for name, where in causes.items() if name not in pending}
        if incomplete and not causes:
            surprises = {s["name"]: "" for s in incomplete}
        score = completeness["completenessScore"] * 100
        note = f" ({len(pending)} pending cause(s), {len(incomplete)} symbols)" if pending else ""
        print(f"  {'FAIL' if surprises else 'ok  '} --verifytypes {package}: {score:.1f}%{note}")
        for name, where in sorted(surprises.items()):
            failures.append(f"--verifytypes {package}: {name} {where}")
    for name in sorted(set(PENDING_UNKNOWN_SYMBOLS) - pending_seen):
        failures.append(f"--verifytypes: {name} is known now: drop it from PENDING_UNKNOWN_SYMBOLS")
    return failures


def _where(diagnostic: dict[str, object]) -> str:
    message = str(diagnostic["message"]).splitlines()[0]
    file = str(diagnostic.get("file") or "")
    start = diagnostic.get("range")
    if file and isinstance(start, dict):
        line = start["start"]["line"] + 1
        file = f"{file.split('site-packages/')[-1]}:{line}"
    return f"({file}: {message})" if file else f"({message})"


def main(argv: list[str]) -> int:
    dist = Path(argv[1] if len(argv) > 1 else "dist").resolve()
    programs = user_programs() + readme_programs()
    clean = [p for p in programs if not p.mistake]
    mistakes = [p for p in programs if p.mistake]
    unknown_pending = set(PENDING) - {p.key for p in programs}
    if unknown_pending:
        raise SystemExit(f"a pending list names no program: {sorted(unknown_pending)}")
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bc-typing-") as tmp_name:
        tmp = Path(tmp_name)
        python = scratch_venv(tmp, dist)
        files = write_programs(tmp, programs)
        verdicts = {
            "mypy --strict": run_mypy(tmp, python, list(files)),
            "pyright strict": run_pyright(tmp, list(files)),
        }
        examples = sum(1 for p in clean if p.key.endswith(".md") or ".md#" in p.key)
        print(
            f"typing: {len(clean) - examples} clean programs, {len(mistakes)} mistake programs, "
            f"{examples} README programs ({len(PENDING)} pending)"
        )
        for checker, errors in verdicts.items():
            accepted = caught = 0
            for path, program in files.items():
                problems = judge(program, errors.get(path, {}))
                pending = PENDING.get(program.key)
                if pending and problems:
                    print(f"  pending {checker}: {program.key} ({pending}; {problems[0]})")
                elif pending:
                    failures.append(f"{checker}: {program.key} passes: drop it from {pending}")
                elif problems:
                    failures.append(f"{checker}: {program.key}")
                    failures += [f"    {problem}" for problem in problems]
                elif program.mistake:
                    caught += 1
                else:
                    accepted += 1
            print(
                f"  {checker}: {accepted} clean accepted, {caught} of {len(mistakes)} "
                "mistakes caught on their marked line"
            )
        failures += verify_types(python)
    for failure in failures:
        print(f"  FAIL {failure}")
    if failures:
        print(f"check_typing: {len(failures)} problem(s)", file=sys.stderr)
        return 1
    print("check_typing: clean programs pass, mistakes are caught, public types are known")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
