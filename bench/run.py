"""Run every benchmark under bench/ (`make bench`); each prints its figures beside a baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    args = sys.argv[1:]
    first_flag = next((i for i, a in enumerate(args) if a.startswith("-")), len(args))
    names, extra = args[:first_flag], args[first_flag:]  # `run.py calls --calls 1000000`
    scripts = sorted(here.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(name in s.stem for name in names)]
    failed = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        command = [sys.executable, "-m", f"bench.{script.stem}", *extra]
        code = subprocess.run(command, check=False, cwd=here.parent).returncode  # noqa: S603
        if code:
            print(f"== {script.stem} failed: exit status {code}", flush=True)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
