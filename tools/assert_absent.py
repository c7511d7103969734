"""Exit 1 if any named module can be imported: proves an install stays light.

Usage: `python tools/assert_absent.py httpx basecamp.services`
"""

from __future__ import annotations

import importlib.util
import sys


def main(names: list[str]) -> int:
    present = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # a missing parent package
            found = False
        if found:
            present.append(name)
    if present:
        print(f"expected absent, but importable: {', '.join(present)}", file=sys.stderr)
        return 1
    print(f"absent as expected: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
