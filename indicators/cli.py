"""The command line, `python -m indicators COMMAND`: each command maps to one library function."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from indicators import access, canonical, health, importing, store, writeback
from indicators import build as builder
from indicators import fetch as fetcher
from indicators.assessment import assess_all, progress_records, rollup_records, rollups
from indicators.i18n import format_number, t, t_n
from indicators.ingest.reader import ReadResult, read_observations
from indicators.ingest.tables import SPECS, TableResult, read_table_file, table_for_file
from indicators.model import ModelError, PlanModel, load_model, validate_config
from indicators.sources.ssb import SsbUnavailable
from indicators.verdict import RollupText, rollup_text
from indicators.views import headline_pairs

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A usage problem (missing file, unknown id): exit code 2."""


def _model(args: argparse.Namespace) -> PlanModel:
    return load_model(args.config)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data) if args.data else Path(args.config).resolve().parent.parent / "data"


def cmd_validate(args: argparse.Namespace) -> int:
    problems = [str(p) for p in validate_config(args.config)]
    if not problems:
        _, _, problems = builder.check_data(_model(args), _data_dir(args), lang=args.lang)
    for problem in problems:
        print(problem)
    if problems:
        print(t_n("cli.problems", len(problems), args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.valid", args.lang))
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    report = builder.build(_model(args), _data_dir(args), Path(args.db))
    for problem in report.problems:
        print(problem)
    if not report.ok:
        print(t_n("cli.build_failed", len(report.problems), args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.built", args.lang, db=args.db, files=report.files,
            rows=format_number(report.observations, args.lang, 0)))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    model = _model(args)
    for name in args.files:
        if not Path(name).is_file():
            raise UsageError(t("cli.no_such_file", args.lang, file=name))
    results = [_read_import(Path(f), model, args) for f in args.files]
    if any(not r.ok for r in results):
        _print_errors(results, args.lang)
        print(t("cli.nothing_written", args.lang), file=sys.stderr)
        return EXIT_INVALID
    for result in results:
        if isinstance(result, ReadResult):  # also compare with the stored previous period
            importing.add_stored_jumps(result, Path(args.db), args.lang)
        for warning in result.warnings:
            print(issue_line(warning, args.lang), file=sys.stderr)
        if isinstance(result, TableResult):
            _import_table(result, args)
            continue
        outcome = store.import_observations(
            args.db, result.frame, file_name=Path(result.file).name, sha256=result.sha256,
            user=args.user, replace=args.replace, dry_run=args.dry_run)
        _print_outcome(result.file, outcome, args.lang)
        if not outcome.dry_run:
            _write_back(args, model, outcome.diff["indicator_id"])
    return EXIT_OK


def _read_import(path: Path, model: PlanModel, args: argparse.Namespace
                 ) -> ReadResult | TableResult:
    """funding/grants/milestones/actions files (by name or --table) replace their plan table."""
    table = args.table or table_for_file(path)
    if table:
        return read_table_file(table, path, model, lang=args.lang)
    return read_observations(path, model, indicator=args.indicator, lang=args.lang)


def _import_table(result: TableResult, args: argparse.Namespace) -> None:
    outcome = store.import_table(args.db, result.table, result.frame,
                                 file_name=Path(result.file).name, sha256=result.sha256,
                                 user=args.user, dry_run=args.dry_run)
    key = "cli.dry_run_summary" if outcome.dry_run else "cli.import_summary"
    print(t(key, args.lang, file=result.file, id=outcome.import_id, added=outcome.added,
            changed=outcome.changed, unchanged=outcome.unchanged, removed=outcome.removed))


def _print_errors(results: list, lang: str) -> None:
    for result in results:
        for issue in result.errors:
            print(issue_line(issue, lang))
        if result.total_errors > len(result.errors):
            print(t("cli.more_errors", lang, file=result.file,
                    count=result.total_errors - len(result.errors)))


def issue_line(issue: object, lang: str) -> str:
    """`FILE:LINE:COLUMN: message` in the chosen language."""
    place = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return f"{place}: {issue.message(lang)}"


def _print_outcome(file: str, outcome: store.ImportResult, lang: str) -> None:
    # A dry run lists every difference; an import lists the stored values it overwrote.
    diff = outcome.diff if outcome.dry_run else outcome.diff[outcome.diff["action"] != "added"]
    for row in diff.itertuples(index=False):
        print(f"{row.action:8} {row.indicator_id} {row.region_code} {row.period} "
              f"{row.series or '-'}: {_cell(row.old_value, row.old_status)} → "
              f"{_cell(row.new_value, row.new_status)}")
    key = "cli.dry_run_summary" if outcome.dry_run else "cli.import_summary"
    print(t(key, lang, file=file, id=outcome.import_id, added=outcome.added,
            changed=outcome.changed, unchanged=outcome.unchanged, removed=outcome.removed))


def _cell(value: float | None, status: object) -> str:
    return canonical.number_text(value, status if isinstance(status, str) else None)


def cmd_history(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    try:
        frame = store.history(con)
    finally:
        con.close()
    columns = ["id", "imported_at", "user_name", "kind", "file_name", "added", "changed", "unchanged",
               "removed", "undone_by"]
    print(frame[columns].to_string(index=False) if len(frame) else t("cli.no_imports", args.lang))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    try:
        undo_id = store.undo(args.db, args.import_id, user=args.user, force=args.force)
    except store.StoreError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.undone", args.lang, id=args.import_id, undo_id=undo_id))
    _write_back(args, _model(args), writeback.indicators_of_import(args.db, args.import_id))
    return EXIT_OK


def _write_back(args: argparse.Namespace, model: PlanModel, ids: object) -> None:
    """Mirror an import or undo in data/observations/<id>.csv: by default when the database
    lives in the data folder (data/dashboard.duckdb), always with --write-back, never with
    --no-write-back."""
    folder = _data_dir(args)
    wanted = args.write_back
    if wanted is None:
        wanted = Path(args.db).resolve().parent == folder.resolve()
    if not wanted:
        return
    for path in writeback.write_back(args.db, folder, model, ids):
        print(t("update.wrote_file", args.lang, file=path))


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Print the secrets.toml line with the scrypt hash of a planner password."""
    if sys.stdin.isatty():
        password = getpass.getpass(t("auth.hash_prompt", args.lang))
        if getpass.getpass(t("auth.hash_again", args.lang)) != password:
            print(t("auth.hash_mismatch", args.lang), file=sys.stderr)
            return EXIT_INVALID
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < access.MIN_PASSWORD:
        print(t("auth.hash_too_short", args.lang, n=access.MIN_PASSWORD), file=sys.stderr)
        return EXIT_INVALID
    print(f'planner_password_scrypt = "{access.hash_password(password)}"')
    return EXIT_OK


def cmd_export_csv(args: argparse.Namespace) -> int:
    model = _model(args)
    if args.indicator and model.indicator(args.indicator) is None:
        raise UsageError(t("cli.unknown_indicator", args.lang, id=args.indicator))
    con = store.connect(args.db)
    try:
        frame = store.all_observations(con, args.indicator)
    finally:
        con.close()
    units = {i.id: i.unit for i in model.indicators}
    sys.stdout.write(canonical.to_csv(frame, units))
    return EXIT_OK


def cmd_progress(args: argparse.Namespace) -> int:
    model = _model(args)
    con = store.connect(args.db)
    try:
        frame = store.headline_observations(con, headline_pairs(model))
    finally:
        con.close()
    assessments = assess_all(model, dict(tuple(frame.groupby("indicator_id"))), args.as_of)
    records = progress_records(model, assessments)
    if args.json:
        groups = rollup_records(model, assessments)
        print(json.dumps(records + groups, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    texts = [(level, g.id, g.rollup.score, rollup_text(model, g.rollup, assessments, args.lang))
             for level, found in rollups(model, assessments).items() for g in found]
    print(_progress_table(records, texts, args.lang))
    for line in _series_problems(model, assessments, args.lang):
        print(line, file=sys.stderr)
    return EXIT_OK


def _series_problems(model: PlanModel, assessments: dict, lang: str) -> list[str]:
    """One line per indicator whose stored rows give a year twice, with the way out."""
    from indicators import explain  # late: the chart code loads only when there is a problem

    lines = []
    for indicator in model.indicators:
        a = assessments[indicator.id]
        problem = health.series_problem(indicator, a, None)
        if problem is not None:
            lines.append(health.series_problem_text(
                indicator, problem, explain.sentence(indicator, a, lang), lang, "cli"))
    return lines


def _progress_table(records: list[dict], groups: list[tuple[str, str, float | None, RollupText]],
                    lang: str) -> str:
    lines = [f"{'id':8} {'status':28} {'score':>6}  {'base':>14}  {'current':>14}  target"]
    for r in records:
        base = f"{r['base_year'] or ''} {_num(r['base_value'])}"
        current = f"{r['current_year'] or ''} {_num(r['current_value'])}"
        target = f"{_num(r['target'])} ({r['target_year']})" if r["target"] is not None else ""
        lines.append(f"{r['indicator_id']:8} {t('status.' + r['status'], lang)[:28]:28} "
                     f"{_num(r['score']):>6}  {base:>14}  {current:>14}  {target}")
    lines.append("")
    for level, group_id, score, text in groups:
        # Only what may be counted: the status says so, and every member left out says why.
        lines.append(f"{level:10} {group_id:26} {text.label:40} {_num(score):>6}  {text.basis_with_ids()}")
        if text.left_out:
            lines.append(f"{'':10} {text.left_out_sentence()}")
    return "\n".join(lines)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _num(x: float | None) -> str:
    return "" if x is None else format_number(x, "en", 2).replace(",", "")


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch indicators from SSB and import them like a file (history, undo, write-back)."""
    model = _model(args)
    try:
        chosen = fetcher.ssb_indicators(model, args.ids, args.lang)
    except fetcher.FetchError as error:
        raise UsageError(str(error)) from None
    if not chosen:
        print(t("ssb.none_configured", args.lang), file=sys.stderr)
        return EXIT_INVALID
    try:
        fetched = fetcher.fetch(model, chosen, lang=args.lang)
    except SsbUnavailable as error:
        print(t("ssb.unreachable", args.lang, url=error.url.split("?")[0], reason=error.reason),
              file=sys.stderr)
        return EXIT_INVALID
    for line in [f.message(args.lang) for f in fetched.flags] + [
            issue_line(w, args.lang) for f in fetched.tables for w in f.read.warnings]:
        print(line, file=sys.stderr)
    imported = fetcher.apply(args.db, fetched, user=args.user, dry_run=args.dry_run)
    key = "ssb.dry_run_summary" if args.dry_run else "ssb.table_summary"
    for item in imported:
        r = item.result
        print(t(key, args.lang, table=item.table.table, updated=item.table.updated,
                id=r.import_id, added=r.added, changed=r.changed, unchanged=r.unchanged))
    if not args.dry_run:
        _write_back(args, model, fetcher.touched(imported))
    for indicator_id, reason in fetched.failed.items():
        print(t("ssb.failed", args.lang, id=indicator_id, reason=reason), file=sys.stderr)
    if fetched.failed:
        done = "ssb.failed_summary" if imported else "ssb.nothing_fetched"
        print(t_n(done, len(fetched.failed), args.lang) if imported else t(done, args.lang),
              file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """`export pptx OUT [--goal ID]` (the briefing deck) or `export png|svg|html ID OUT` (one chart)."""
    from indicators import deck, export  # late: python-pptx and kaleido load only when exporting

    model = _model(args)
    for indicator_id in [*(args.indicator or []), *([args.id] if args.kind != "pptx" else [])]:
        if model.indicator(indicator_id) is None:
            raise UsageError(t("cli.unknown_indicator", args.lang, id=indicator_id))
    unknown = [g for g in args.goal or [] if model.goal(g) is None]
    if unknown:
        raise UsageError(t("export.cli.unknown_goal", args.lang, id=unknown[0]))
    con = store.connect(args.db)
    try:
        if args.kind == "pptx":
            content = deck.build_deck(model, con, goals=args.goal, indicators=args.indicator,
                                      regions=args.region, lang=args.lang, maps=args.maps,
                                      funding=args.funding,
                                      progress=lambda done, total, what: print(
                                          f"[{done}/{total}] {what}", file=sys.stderr))
        else:
            content = _export_chart(export, model, con, args)
    except export.ExportUnavailable as error:
        print(f"{t('export.no_browser', args.lang)}\n{error}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        con.close()
    Path(args.out).write_bytes(content)
    print(t("export.cli.wrote", args.lang, file=args.out))
    return EXIT_OK


def _export_chart(export: object, model: PlanModel, con: object, args: argparse.Namespace) -> bytes:
    data = export.load_indicator(model, con, args.id, args.region)
    fig = export.trend_figure(model, data, args.lang, args.region)
    if args.kind == "png":
        return export.to_png(fig, args.preset)
    if args.kind == "svg":
        return export.to_svg(fig, args.preset)
    return export.to_html(fig, f"{data.indicator.id} {data.indicator.name.get(args.lang)}",
                          args.lang).encode("utf-8")


def _export_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    # The shared options sit on the leaves only, so their defaults cannot overwrite each other.
    exp = sub.add_parser("export", help="briefing deck or one chart as a file")
    kinds = exp.add_subparsers(dest="kind", required=True)
    pptx = kinds.add_parser("pptx", parents=[common], help="the briefing deck (16:9 PowerPoint)")
    pptx.add_argument("out", metavar="OUT.pptx")
    pptx.add_argument("--goal", action="append", metavar="ID", help="a goal (repeatable)")
    pptx.add_argument("--indicator", action="append", metavar="ID", help="only these indicators")
    pptx.add_argument("--region", action="append", metavar="CODE",
                      help="comparison regions (default: Oslo and Norway)")
    pptx.add_argument("--maps", action="store_true", help="add municipal maps (as editable shapes)")
    pptx.add_argument("--no-funding", dest="funding", action="store_false",
                      help="leave out the two grant slides (schemes; focus areas)")
    pptx.set_defaults(id=None)
    for kind in ("png", "svg", "html"):
        chart = kinds.add_parser(kind, parents=[common], help=f"one indicator's chart as {kind}")
        chart.add_argument("id", metavar="ID")
        chart.add_argument("out", metavar=f"OUT.{kind}")
        chart.add_argument("--preset", choices=["16:9", "square"], default="16:9")
        chart.add_argument("--region", action="append", metavar="CODE",
                           help="regions to draw (default: the indicator's, Oslo and Norway)")
        chart.set_defaults(goal=None, indicator=None, maps=False)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "progress": cmd_progress,
    "validate": cmd_validate, "build": cmd_build, "import": cmd_import,
    "history": cmd_history, "undo": cmd_undo, "export-csv": cmd_export_csv,
    "hash-password": cmd_hash_password, "fetch": cmd_fetch, "export": cmd_export,
}


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=str(store.db_path_default()))
    common.add_argument("--config", default="config/goals.yaml")
    common.add_argument("--data", default=None, help="data folder (default: next to config/)")
    common.add_argument("--lang", default="nb", choices=["nb", "en"])
    # The shared options live on each command (not on the top parser too), so that a command's
    # defaults never overwrite an option given before the command name.
    main = argparse.ArgumentParser(prog="python -m indicators")
    sub = main.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", parents=[common])
    sub.add_parser("build", parents=[common])
    imp = sub.add_parser("import", parents=[common])
    imp.add_argument("files", nargs="+")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--replace", action="store_true")
    imp.add_argument("--indicator")
    imp.add_argument("--table", choices=list(SPECS),
                     help="the file is a plan table (default: by name, e.g. grants.csv)")
    imp.add_argument("--user")
    imp.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None,
                     help="rewrite data/observations/<id>.csv (default: when --db is in data/)")
    sub.add_parser("history", parents=[common])
    undo = sub.add_parser("undo", parents=[common])
    undo.add_argument("import_id", type=int)
    undo.add_argument("--force", action="store_true")
    undo.add_argument("--user")
    undo.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None)
    sub.add_parser("hash-password", parents=[common])
    prog = sub.add_parser("progress", parents=[common])
    prog.add_argument("--json", action="store_true")
    prog.add_argument("--as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                      help="the date taken as today for the staleness rule (default: today)")
    exp = sub.add_parser("export-csv", parents=[common])
    exp.add_argument("--indicator")
    fetch = sub.add_parser("fetch", parents=[common], help="refresh indicators from a source")
    fetch.add_argument("source", choices=["ssb"])
    fetch.add_argument("ids", nargs="*", metavar="ID", help="indicator ids (default: all with ssb:)")
    fetch.add_argument("--dry-run", action="store_true")
    fetch.add_argument("--user")
    fetch.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None)
    _export_parser(sub, common)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    needs_db = args.command in ("history", "undo", "export-csv", "progress", "export")
    if needs_db and not Path(args.db).exists():
        print(t("cli.no_database", args.lang, db=args.db), file=sys.stderr)
        return EXIT_USAGE
    try:
        if needs_db:
            store.check(args.db)  # a damaged file says so now, not halfway through a command
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except ModelError as error:
        for problem in error.problems:
            print(str(problem))
        return EXIT_INVALID
    except (store.StorageError, OSError, duckdb.Error) as error:
        # A damaged database, a read-only folder, a full disk: one sentence and the way out.
        problem = health.from_error(error)
        if problem is None:
            raise
        print(problem.message(args.lang, "cli"), file=sys.stderr)
        return EXIT_USAGE if problem.kind in ("db_missing", "db_unreadable") else EXIT_INVALID
    except store.StoreError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
