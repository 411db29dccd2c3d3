"""Parse generated X12 files with linuxforhealth-x12, a second, independent X12 5010 parser.

Not part of the test suite: linuxforhealth-x12 0.57 needs pydantic 1, which cannot share an
environment with fhir.resources (pydantic 2). Run it in its own virtual environment::

    python -m venv /tmp/lfh && /tmp/lfh/bin/pip install linuxforhealth-x12==0.57.0 "pydantic<2"
    cdg generate --members 400 --seed 11 --format x12-834 --format x12-837p ... --out out/
    /tmp/lfh/bin/python tools/crosscheck/lfh_x12.py out/

Its 837 models are the later errata (005010X222A2 / 005010X223A3); the script relabels our
005010X222A1 / 005010X223A2 files to match, so differences between the errata show up as
errors. docs/how-to/validate.md lists what it reported on our files and why.

On a 271 whose EB segment fails its own field checks (its EB04 list lacks ``PS``), 0.57's
loop validator raises ``KeyError: 'eb_segment'`` and hides the real message. To see it, change
``values["eb_segment"]`` to ``values.get("eb_segment")`` (with a ``getattr`` default) in
``linuxforhealth/x12/v5010/x12_271_005010X279A1/loops.py``, line 209.
"""

from __future__ import annotations

import sys
from pathlib import Path

from linuxforhealth.x12.io import X12ModelReader

_RELABEL = {"005010X222A1": "005010X222A2", "005010X223A2": "005010X223A3"}


def check(path: Path) -> str:
    """``ok (N transactions)`` or the first line of the parser's error."""
    text = path.read_text(encoding="ascii")
    for ours, theirs in _RELABEL.items():
        text = text.replace(ours, theirs)
    count = 0
    try:
        with X12ModelReader(text) as reader:
            for _ in reader.models():
                count += 1
    except Exception as error:  # the parser raises pydantic, key and type errors alike
        first = str(error).strip().splitlines()
        return f"FAIL {type(error).__name__}: {' | '.join(first[:3])[:300]}"
    return f"ok ({count} transactions)"


def main(argv: list[str]) -> int:
    files = sorted(
        p for arg in argv for p in (Path(arg).rglob("*.x12") if Path(arg).is_dir() else [Path(arg)])
    )
    if not files:
        print("usage: lfh_x12.py FILE_OR_FOLDER...", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        result = check(path)
        failed += result.startswith("FAIL")
        print(f"{path}: {result}")
    print(f"{len(files)} files, {failed} rejected by linuxforhealth-x12")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
