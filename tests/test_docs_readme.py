"""The root README's Python examples run as written, against the fake Basecamp over loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from basecamp.testing import FakeBasecamp

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_the_promised_examples() -> None:
    text = "\n".join(BLOCKS)
    assert len(BLOCKS) >= 4
    assert "account.projects.list()" in text  # quick start
    assert "except NotFoundError" in text  # error handling
    assert "chain_hooks(" in text  # hooks


@pytest.fixture
def live_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBasecamp]:
    fake = FakeBasecamp(seed="demo")
    with fake.serve() as url:
        monkeypatch.setenv("BASECAMP_BASE_URL", url)
        monkeypatch.setenv("BASECAMP_TOKEN", fake.token)
        monkeypatch.setenv("BASECAMP_ACCOUNT_ID", str(fake.account_id))
        yield fake


SCRIPTS = [block for block in BLOCKS if "def test_" not in block]
PLUGIN_EXAMPLES = [block for block in BLOCKS if "def test_" in block]


def test_readme_plugin_example_passes_under_pytest(pytester: pytest.Pytester) -> None:
    assert PLUGIN_EXAMPLES, "the README shows the pytest plugin"
    pytester.makepyfile(*PLUGIN_EXAMPLES)
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=len(PLUGIN_EXAMPLES))


@pytest.mark.parametrize("index", range(len(SCRIPTS)))
def test_readme_example_runs(
    index: int, live_fake: FakeBasecamp, capsys: pytest.CaptureFixture[str]
) -> None:
    exec(compile(SCRIPTS[index], f"README.md[python block {index}]", "exec"), {})
    out, err = capsys.readouterr()
    assert out or err, "every example prints something"
    assert live_fake.token not in out + err
    assert live_fake.requests, "the example talked to the fake over loopback"


ALL_READMES = [
    *sorted(README.parent.glob("packages/*/README.md")),
    README.parent / "CONTRIBUTING.md",
    README.parent / "SECURITY.md",
    README.parent / "benchmarks" / "README.md",
]


@pytest.mark.parametrize("path", ALL_READMES, ids=lambda p: str(p.relative_to(README.parent)))
def test_every_python_example_in_the_docs_compiles(path: Path) -> None:
    # The examples that need a live server run elsewhere (this file, and each package's own
    # README test); this keeps every other block at least valid Python.
    for number, block in enumerate(re.findall(r"```python\n(.*?)```", path.read_text(), re.DOTALL)):
        source = block if "await " not in block or "async def" in block else _wrap_async(block)
        compile(source, f"{path.name}[python block {number}]", "exec")


def _wrap_async(block: str) -> str:
    body = "\n".join("    " + line for line in block.splitlines())
    return f"async def _example():\n{body}\n"
