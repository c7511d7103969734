"""Generate `basecamp.services` and core's typed accessors from `spec/` (`make generate`).

Usage:
    python tools/generate.py            # write the generated files
    python tools/generate.py --check    # write nothing; exit 1 listing stale files
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from codegen import main

if __name__ == "__main__":
    raise SystemExit(main())
