"""Build time at both scales, and a validated 1-million-row import against DuckDB's bare read_csv.

    .venv/bin/python bench/data_speed.py [--runs N]

The import is what `python -m indicators import FILE` does, stage by stage: read and check every
row (reader), compare with the stored previous periods (jump warnings), then compare, record the
undo history and write in one transaction (store). It goes into a copy of the shipped database,
fresh for every run. The floor is `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` in a new
in-memory DuckDB, timed in the same runs, taking turns with the import.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import RUNS, Scale, machine, prepare, ratio, scales, verdict
from bench.synth import WORK, million_row_file
from indicators import importing, store
from indicators.build import build
from indicators.ingest.reader import read_observations
from indicators.model import load_model

TARGET = 3.0


def build_time(scale: Scale, out: Path) -> float:
    model = load_model(scale.config)
    out.unlink(missing_ok=True)
    start = time.perf_counter()
    report = build(model, scale.data, out)
    elapsed = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"{scale.name}: {report.problems[:3]}")
    return elapsed


def import_stages(path: Path, base_db: Path, scratch: Path) -> dict[str, float]:
    """Seconds per stage of one validated import into a fresh copy of `base_db`."""
    model = load_model(scales()["shipped"].config)
    db = scratch / "import.duckdb"
    shutil.copyfile(base_db, db)
    times: dict[str, float] = {}
    start = time.perf_counter()
    result = read_observations(path, model)
    times["read and check"] = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"the benchmark file has errors: {result.errors[:3]}")
    start = time.perf_counter()
    importing.add_stored_jumps(result, db)
    times["jump check against stored"] = time.perf_counter() - start
    start = time.perf_counter()
    store.import_observations(db, result.frame, file_name=path.name, sha256=result.sha256,
                              user="bench")
    times["compare, history, write"] = time.perf_counter() - start
    times["import in all"] = sum(times.values())
    return times


def bare_read_csv(path: Path) -> float:
    con = duckdb.connect(":memory:")
    start = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--build-runs", type=int, default=3, help="the ×100 build takes a minute")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp)
        print(f"Build from config/ and data/, median of {args.build_runs}")
        for scale in scales().values():
            prepare(scale)
            runs = [build_time(scale, scratch / f"{scale.name}.duckdb")
                    for _ in range(args.build_runs)]
            print(f"  {scale.name}: {statistics.median(runs):.2f} s")
        path = million_row_file(WORK / "million.csv")
        base = prepare(scales()["shipped"]).db
        import_stages(path, base, scratch)  # warm-up
        bare_read_csv(path)
        stages: list[dict[str, float]] = []
        floor: list[float] = []
        for _ in range(args.runs):
            stages.append(import_stages(path, base, scratch))
            floor.append(bare_read_csv(path))
    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    print(f"Import of {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB, ';' and decimal commas), "
          f"median of {args.runs}")
    for stage in stages[0]:
        print(f"  {stage}: {statistics.median(s[stage] for s in stages):.2f} s")
    total, bare = statistics.median(s["import in all"] for s in stages), statistics.median(floor)
    print(f"  DuckDB bare read_csv into a table: {bare:.2f} s")
    print(f"  import / read_csv: {ratio(total, bare)} — target ≤ {TARGET:.0f}×: "
          f"{verdict(total <= TARGET * bare)}")


if __name__ == "__main__":
    main()
