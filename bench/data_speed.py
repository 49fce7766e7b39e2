"""Build time at both scales, and a validated 1-million-row import against DuckDB's bare read_csv.

    .venv/bin/python bench/data_speed.py [--runs N] [--import-only]

The import is what `python -m indicators import FILE` does, stage by stage: read and check every
row (reader), look for years the database holds under another period, then compare with what is
stored (the diff and the stored previous periods for jump warnings, in one pass), record the undo
history and write, in one transaction (store). It goes into a copy of the shipped database,
fresh for every run. The floor is `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` in a new
in-memory DuckDB, timed in the same runs, taking turns with the import. For reference it also
times DuckDB writing the same rows, already in a table, into a copy of the database file: what
any import must at least spend on the write. The import and the floor are also given in CPU
time (every thread of the process), which other jobs on a shared machine move far less.

Small files: a 200-row upload from its bytes to the preview the page shows (importing.check and
the preview tables), against the shipped database; target ≤ 1 s.
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
UPLOAD_TARGET = 1.0  # seconds from a 200-row file to its preview


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
    cpu = time.process_time()
    start = time.perf_counter()
    result = read_observations(path, model)
    times["read and check"] = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"the benchmark file has errors: {result.errors[:3]}")
    start = time.perf_counter()
    importing.add_stored_clashes(result, db)
    times["clash check against stored years"] = time.perf_counter() - start
    start = time.perf_counter()
    done = store.import_observations(db, result.frame, file_name=path.name, sha256=result.sha256,
                                     user="bench")
    importing.add_stored_jumps(result, db, previous=done.previous)
    times["compare (diff and jumps in one pass), history, write"] = time.perf_counter() - start
    times["import in all"] = sum(times.values())
    times[CPU] = time.process_time() - cpu
    return times


# CPU seconds of the process, every thread (DuckDB's too): moved far less than wall time by
# other jobs on a shared machine, so a ratio of them still says something under load.
CPU = "CPU time of the import in all (every thread)"


def bare_write(path: Path, base_db: Path, scratch: Path) -> float:
    """Seconds DuckDB takes to write the file's rows, read into a table beforehand, into a fresh
    copy of `base_db` as observations (insert, commit, checkpoint). Without insertion order,
    which would make the checkpoint compress the rows a second time (the import's own insert,
    from one table, does not pay that either)."""
    db = scratch / "write.duckdb"
    shutil.copyfile(base_db, db)
    con = duckdb.connect(str(db))
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TEMP TABLE t AS SELECT * FROM read_csv(?, delim=';', decimal_separator=',')",
                [str(path)])
    start = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    con.execute(
        """INSERT INTO observations (indicator_id, region_code, period, year, freq, sub, value,
                                     series, import_id, updated_at)
           SELECT indikator, region, periode, 2020, 'M', 1, verdi, serie, 99, now() FROM t""")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def upload_file(rows: int = 200) -> bytes:
    """A planner's update of 2B-04 as the page gets it: months of Akershus's municipalities,
    some of them stored already (changed or unchanged), the rest new."""
    codes = ["32", "3201", "3203", "3205", "3207", "3209", "3212", "3214", "3216", "3218"]
    months = [f"{y}M{m:02d}" for y in (2024, 2025) for m in range(1, 13)]
    lines = ["indikator;region;periode;verdi"]
    lines += [f"2B-04;{codes[i % len(codes)]};{months[i // len(codes) % len(months)]};"
              f"{2 + (i % 37) / 10:.1f}".replace(".", ",") for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload_to_preview(raw: bytes, db: Path) -> float:
    """Seconds from an upload's bytes to what the page shows: the check, the diff against the
    database, the warnings and the preview tables."""
    model = load_model(scales()["shipped"].config)
    start = time.perf_counter()
    pending = importing.check(raw, "2B-04.csv", model, db)
    if pending.preview is None:
        raise SystemExit(f"the upload has errors: {pending.read.errors[:3]}")
    importing.change_tables(model, pending.preview, "nb", pending.read.frame)
    importing.issue_table(pending.read.warnings, "nb")
    return time.perf_counter() - start


def bare_read_csv(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of DuckDB's bare read_csv of `path` into an in-memory table."""
    con = duckdb.connect(":memory:")
    cpu, start = time.process_time(), time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(path)])
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--build-runs", type=int, default=3, help="the ×100 build takes a minute")
    parser.add_argument("--import-only", action="store_true", help="skip the build times")
    args = parser.parse_args()
    print(machine())
    WORK.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/.work yet
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        scratch = Path(tmp)
        for scale in [] if args.import_only else scales().values():
            if scale.name == "shipped":
                print(f"Build from config/ and data/, median of {args.build_runs}")
            prepare(scale)
            runs = [build_time(scale, scratch / f"{scale.name}.duckdb")
                    for _ in range(args.build_runs)]
            print(f"  {scale.name}: {statistics.median(runs):.2f} s")
        path = million_row_file(WORK / "million.csv")
        base = prepare(scales()["shipped"]).db
        import_stages(path, base, scratch)  # warm-up
        bare_read_csv(path)
        bare_write(path, base, scratch)
        stages: list[dict[str, float]] = []
        floor: list[tuple[float, float]] = []
        writes: list[float] = []
        for _ in range(args.runs):
            stages.append(import_stages(path, base, scratch))
            floor.append(bare_read_csv(path))
            writes.append(bare_write(path, base, scratch))
        upload = upload_file()
        upload_to_preview(upload, base)  # warm-up
        previews = [upload_to_preview(upload, base) for _ in range(args.runs)]
    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    print(f"Import of {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB, ';' and decimal commas), "
          f"median of {args.runs}")
    for stage in stages[0]:
        print(f"  {stage}: {statistics.median(s[stage] for s in stages):.2f} s")
    total, bare = (statistics.median(s["import in all"] for s in stages),
                   statistics.median(f[0] for f in floor))
    bare_cpu = statistics.median(f[1] for f in floor)
    print(f"  DuckDB bare read_csv into a table: {bare:.2f} s (CPU time {bare_cpu:.2f} s)")
    print(f"  import / read_csv: {ratio(total, bare)} — target ≤ {TARGET:.0f}×: "
          f"{verdict(total <= TARGET * bare)}")
    cpu = statistics.median(s[CPU] for s in stages)
    print(f"  CPU time, import / read_csv: {ratio(cpu, bare_cpu)}")
    write = statistics.median(writes)
    print(f"  for reference, DuckDB writing the same rows from a table into a copy of the database: "
          f"{write:.2f} s ({ratio(write, bare)} read_csv)")
    preview = statistics.median(previews)
    print(f"Upload of 200 rows to its preview (check, diff, warnings, tables), median of "
          f"{args.runs}: {preview:.2f} s — target ≤ {UPLOAD_TARGET:.0f} s: "
          f"{verdict(preview <= UPLOAD_TARGET)}")


if __name__ == "__main__":
    main()
