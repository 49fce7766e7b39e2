"""The command line, `python -m indicators COMMAND`: each command maps to one library function."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from indicators import access, canonical, health, importing, paths, store, workflow
from indicators import build as builder
from indicators import fetch as fetcher
from indicators.assessment import assess_all, progress_records, rollup_records, rollups
from indicators.i18n import format_number, t, t_n
from indicators.ingest.reader import ReadResult, read_observations
from indicators.ingest.tables import SPECS, TableResult, read_table_file, table_for_file
from indicators.issues import Issue
from indicators.model import ModelError, PlanModel, load_model, validate_config
from indicators.progress import Assessment
from indicators.sources.ssb import SsbRequestError, SsbUnavailable
from indicators.verdict import RollupText, rollup_text
from indicators.views import headline_pairs

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A usage problem (missing file, unknown id): exit code 2."""


def _model(args: argparse.Namespace) -> PlanModel:
    return load_model(args.config)


def _data_dir(args: argparse.Namespace) -> Path:
    """--data, else `$DASHBOARD_DATA`, else the data/ folder beside the --config folder."""
    if args.data:
        return Path(args.data)
    return paths.data_dir(Path(args.config).resolve().parent.parent)


def cmd_validate(args: argparse.Namespace) -> int:
    problems = [p.line_text(args.lang) for p in validate_config(args.config)]
    if not problems:
        _, _, problems = builder.check_data(_model(args), _data_dir(args), lang=args.lang)
    for problem in problems:
        print(problem)
    if problems:
        print(t_n("cli.problems", len(problems), args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.valid", args.lang))
    if args.online:  # the ssb: blocks against SSB's own metadata, as `ssb check` does
        print(t("ssb.check.online", args.lang))
        return _ssb_check(_model(args), [], args)
    return EXIT_OK


def cmd_ssb(args: argparse.Namespace) -> int:
    """`ssb check [ID…] [--record]`, `ssb search WORDS…`, `ssb describe TABLE`."""
    from indicators import ssb_check  # late: only these commands need it

    try:
        if args.action == "check":
            return _ssb_check(_model(args), args.ids, args)
        if args.action == "search":
            print(ssb_check.search(args.words, lang=args.lang))
            return EXIT_OK
        if not ssb_check.TABLE_ID.match(args.table):
            raise UsageError(t("ssb.bad_table_id", args.lang, table=args.table))
        print(ssb_check.describe(args.table, lang=args.lang))
    except SsbUnavailable as error:
        print(t("ssb.unreachable", args.lang, url=error.url.split("?")[0], reason=error.reason),
              file=sys.stderr)
        return EXIT_INVALID
    except SsbRequestError as error:
        print(f"SSB: HTTP {error.status}: {error.detail}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _ssb_check(model: PlanModel, ids: list[str], args: argparse.Namespace) -> int:
    """Check blocks against SSB's metadata; with --record, note each pass in the goals file."""
    from indicators import ssb_check

    try:
        chosen = ([i for i in model.indicators if i.ssb is not None] if not ids
                  else fetcher.ssb_indicators(model, ids, args.lang))
    except fetcher.FetchError as error:
        raise UsageError(str(error)) from None
    if not chosen:
        print(t("ssb.check.no_blocks", args.lang), file=sys.stderr)
        return EXIT_INVALID
    try:
        checks = ssb_check.check(chosen)
    except SsbUnavailable as error:
        print(t("ssb.unreachable", args.lang, url=error.url.split("?")[0], reason=error.reason),
              file=sys.stderr)
        return EXIT_INVALID
    print(ssb_check.report(checks, {i.id: i for i in chosen}, args.lang))
    passed = [c for c in checks if c.ok]
    if getattr(args, "record", False) and passed:
        today = date.today()
        for c in passed:  # each names the table whose metadata vouched for its codes
            ssb_check.record_verified(Path(args.config), [c.indicator], today,
                                      t("ssb.check.verified_by", "nb", table=c.table),
                                      db=Path(args.db), user=getattr(args, "user", None))
        print(t("ssb.check.recorded", args.lang, day=today.isoformat(), file=args.config,
                ids=", ".join(c.indicator for c in passed)))
    return EXIT_OK if len(passed) == len(checks) else EXIT_INVALID


def cmd_build(args: argparse.Namespace) -> int:
    report = builder.build(_model(args), _data_dir(args), Path(args.db), args.lang)
    for problem in report.problems:
        print(problem)
    if not report.ok:
        print(t_n("cli.build_failed", len(report.problems), args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.built", args.lang, db=args.db, files=report.files,
            rows=format_number(report.observations, args.lang, 0)))
    return EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    """Bring the database in step with data/ keeping its history (`make run` on every start)."""
    data, db = _data_dir(args), Path(args.db)
    report = builder.sync(_model(args), data, db, lang=args.lang)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.set_aside:
        print(t("sync.set_aside", args.lang, path=report.set_aside), file=sys.stderr)
    if report.action == "kept":
        print(t("sync.kept", args.lang, data=data), file=sys.stderr)
        return EXIT_INVALID
    if report.action == "built" and report.build:
        print(t("cli.built", args.lang, db=db, files=report.build.files,
                rows=format_number(report.build.observations, args.lang, 0)))
    for file, r in report.imports:
        print(t("sync.imported", args.lang, file=file, id=r.import_id, added=r.added,
                changed=r.changed, removed=r.removed))
    if report.action == "in_step":
        print(t("sync.in_step", args.lang, db=db, data=data))
    if report.orphans:
        print(t("sync.orphans", args.lang, ids=", ".join(report.orphans), data=data),
              file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    model = _model(args)
    for name in args.files:
        if not Path(name).is_file():
            raise UsageError(t("cli.no_such_file", args.lang, file=name))
    results = [_read_import(Path(f), model, args) for f in args.files]
    for result in results:  # a year the database holds under another period is an error too
        if isinstance(result, ReadResult):
            importing.add_stored_clashes(result, Path(args.db), args.replace)
    if any(not r.ok for r in results):
        _print_errors(results, args.lang)
        print(t("cli.nothing_written", args.lang), file=sys.stderr)
        return EXIT_INVALID
    for result in results:
        done = workflow.import_read(Path(args.db), result, model, user=args.user,
                                    replace=args.replace, dry_run=args.dry_run,
                                    back=_back(args))
        assert done.result is not None  # only an undo has no import result
        if isinstance(result, ReadResult):  # also the stored previous period, found by the diff
            importing.add_stored_jumps(result, Path(args.db), args.lang, done.result.previous)
        for warning in result.warnings:
            print(issue_line(warning, args.lang), file=sys.stderr)
        _print_outcome(result, done.result, args.lang)
        _print_files(done, args.lang)
    return EXIT_OK


def _read_import(path: Path, model: PlanModel, args: argparse.Namespace
                 ) -> ReadResult | TableResult:
    """funding/grants/milestones/actions files (by name or --table) replace their plan table."""
    table = args.table or table_for_file(path)
    if table:
        return read_table_file(table, path, model, lang=args.lang)
    return read_observations(path, model, indicator=args.indicator, lang=args.lang)


def _print_errors(results: list[ReadResult | TableResult], lang: str) -> None:
    for result in results:
        for issue in result.errors:
            print(issue_line(issue, lang))
        if result.total_errors > len(result.errors):
            print(t("cli.more_errors", lang, file=result.file,
                    count=result.total_errors - len(result.errors)))


def issue_line(issue: Issue, lang: str) -> str:
    """`FILE:LINE:COLUMN: message` in the chosen language."""
    place = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return f"{place}: {issue.message(lang)}"


def _print_outcome(read: ReadResult | TableResult, outcome: store.ImportResult,
                   lang: str) -> None:
    # A dry run lists every difference; an import lists the stored values it overwrote.
    if isinstance(read, ReadResult):
        diff = outcome.diff if outcome.dry_run else outcome.diff[outcome.diff["action"] != "added"]
        for row in canonical.records(diff):
            print(f"{row['action']:8} {row['indicator_id']} {row['region_code']} {row['period']} "
                  f"{row['series'] or '-'}: {_cell(row['old_value'], row['old_status'])} → "
                  f"{_cell(row['new_value'], row['new_status'])}")
    key = "cli.dry_run_summary" if outcome.dry_run else "cli.import_summary"
    print(t(key, lang, file=read.file, id=outcome.import_id, added=outcome.added,
            changed=outcome.changed, unchanged=outcome.unchanged, removed=outcome.removed))


def _cell(value: float | None, status: object) -> str:
    return canonical.number_text(value, status if isinstance(status, str) else None)


def cmd_history(args: argparse.Namespace) -> int:
    with store.reading(args.db) as con:
        frame = store.history(con)
    columns = ["id", "imported_at", "user_name", "kind", "file_name", "added", "changed", "unchanged",
               "removed", "undone_by"]
    print(frame[columns].to_string(index=False) if len(frame) else t("cli.no_imports", args.lang))
    return EXIT_OK


def cmd_undo(args: argparse.Namespace) -> int:
    try:
        done = workflow.undo(Path(args.db), _model(args), args.import_id, user=args.user,
                             force=args.force, back=_back(args), config=Path(args.config))
    except store.StoreError as error:
        print(error.text(args.lang), file=sys.stderr)
        return EXIT_INVALID
    print(t("cli.undone", args.lang, id=args.import_id, undo_id=done.import_id))
    _print_files(done, args.lang)
    return EXIT_OK


def _back(args: argparse.Namespace) -> workflow.WriteBack:
    """--write-back / --no-write-back; by default data/ is rewritten when --db lives in it.
    The static bundle ($DASHBOARD_PUBLISH) follows from --config, waited for with --wait-publish."""
    return workflow.WriteBack(_data_dir(args), args.write_back, Path(args.config),
                              args.wait_publish)


def _print_files(done: workflow.Done, lang: str) -> None:
    for path in done.files:
        print(t("update.wrote_file", lang, file=path))
    if done.republishing is not None:
        from indicators import republish

        print(t("publish.started_cli", lang, out=done.republishing,
                status=republish.beside(done.republishing, "status.json")))
    if done.published is not None:
        print(t("publish.republished", lang, out=done.published))
    if done.publish_error is not None:  # the change is saved; the bundle is behind it
        print(t("publish.failed", lang, out=paths.publish_dir(), reason=done.publish_error),
              file=sys.stderr)


def cmd_publish(args: argparse.Namespace) -> int:
    """`publish OUT/`: the static bundle (pages, embeds, open data) for any web server."""
    from indicators import publish, republish  # late: templates and kaleido load only here

    if args.queued:  # the background runner an import started (republish.py)
        republish.run_queued(Path(args.out))
        return EXIT_OK
    model = _model(args)
    try:
        done = republish.recorded(Path(args.out), lambda: publish.publish(
            model, Path(args.db), Path(args.out), base_url=args.base_url or paths.publish_url(),
            lang=args.lang))
    except publish.PublishError as error:
        raise UsageError(str(error)) from None
    for problem in done.problems:
        print(problem, file=sys.stderr)
    print(t("publish.made_cli", args.lang, pages=done.pages, charts=done.charts, out=done.out))
    return EXIT_OK


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
    with store.reading(args.db) as con:
        frame = store.all_observations(con, args.indicator)
    units = {i.id: i.unit for i in model.indicators}
    sys.stdout.write(canonical.to_csv(frame, units))
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    """What is late or due within 30 days, as one reminder per owner (printed, written, sent)."""
    from indicators import reminders, worklist  # late: mail modules load only for this command

    model, today = _model(args), args.as_of or date.today()
    with store.reading(args.db) as con:
        found = reminders.due_tasks(model, con, today)
    messages, nobody = reminders.messages(found, today, args.lang, args.base_url)
    if args.json:
        print(json.dumps(reminders.records(messages, nobody), ensure_ascii=False, indent=2))
    elif args.out:
        for path in reminders.write(messages, Path(args.out), args.sender):
            print(t("worklist.cli.wrote", args.lang, file=path))
    else:
        for message in messages:
            print(f"{t('worklist.cli.to', args.lang)}: {message.owner.name} <{message.owner.email}>")
            print(f"{t('worklist.cli.subject', args.lang)}: {message.subject}\n")
            print(message.body)
    if nobody:
        print(t("worklist.cli.nobody", args.lang, ids=", ".join(task.id for task in nobody)),
              file=sys.stderr)
    if not found:
        print(t("worklist.cli.nothing", args.lang, days=worklist.HORIZON_DAYS),
              file=sys.stderr)
    if args.send:
        try:
            settings = reminders.smtp_settings(Path(args.secrets))
        except reminders.SmtpMissing:
            raise UsageError(t("worklist.cli.no_smtp", args.lang, file=args.secrets)) from None
        sent = reminders.send(messages, settings)
        print(t("worklist.cli.sent", args.lang, n=sent, host=settings["host"]), file=sys.stderr)
    return EXIT_OK


def cmd_progress(args: argparse.Namespace) -> int:
    model = _model(args)
    with store.reading(args.db) as con:
        frame = store.headline_observations(con, headline_pairs(model))
    assessments = assess_all(model, {str(i): rows for i, rows in frame.groupby("indicator_id")},
                             args.as_of)
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


def _series_problems(model: PlanModel, assessments: dict[str, Assessment], lang: str) -> list[str]:
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


def _progress_table(records: list[dict[str, Any]], groups: list[tuple[str, str, float | None, RollupText]],
                    lang: str) -> str:
    # records: progress_records' JSON rows (Any: a JSON value)
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
    waiting = [] if args.ids else fetcher.awaiting_check(model)
    if not chosen:
        print(t("ssb.awaiting", args.lang, ids=", ".join(i.id for i in waiting)) if waiting
              else t("ssb.none_configured", args.lang), file=sys.stderr)
        return EXIT_INVALID
    try:
        fetched = fetcher.fetch(model, chosen, lang=args.lang)
    except SsbUnavailable as error:
        print(t("ssb.unreachable", args.lang, url=error.url.split("?")[0], reason=error.reason),
              file=sys.stderr)
        return EXIT_INVALID
    for line in [f.line_text(args.lang) for f in fetched.flags] + [
            issue_line(w, args.lang) for f in fetched.tables for w in f.read.warnings]:
        print(line, file=sys.stderr)
    imported, done = workflow.fetch(Path(args.db), model, fetched, user=args.user,
                                    dry_run=args.dry_run, back=_back(args))
    key = "ssb.dry_run_summary" if args.dry_run else "ssb.table_summary"
    for item in imported:
        r = item.result
        print(t(key, args.lang, table=item.table.table, updated=item.table.updated,
                id=r.import_id, added=r.added, changed=r.changed, unchanged=r.unchanged))
    _print_files(done, args.lang)
    if waiting:  # so a planner knows why these were not fetched
        print(t("ssb.awaiting", args.lang, ids=", ".join(i.id for i in waiting)), file=sys.stderr)
    for indicator_id, reason in fetched.failed.items():
        print(t("ssb.failed", args.lang, id=indicator_id, reason=reason), file=sys.stderr)
    if fetched.failed:
        summary = "ssb.failed_summary" if imported else "ssb.nothing_fetched"
        print(t_n(summary, len(fetched.failed), args.lang) if imported else t(summary, args.lang),
              file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    """The cron job: every ready SSB indicator, one import per table, a plain-text summary.
    Exit 0 done, 1 something failed (the rest saved), 2 usage, 3 SSB unreachable (nothing changed)."""
    from indicators import refresh

    model = _model(args)
    try:
        done = refresh.run(Path(args.db), model, user=args.user, back=_back(args), lang=args.lang)
    except SsbUnavailable as error:
        print(t("ssb.unreachable", args.lang, url=error.url.split("?")[0], reason=error.reason),
              file=sys.stderr)
        return refresh.EXIT_UNREACHABLE
    for note in done.notes:
        print(note, file=sys.stderr)
    print(refresh.summary(done, model, args.lang))
    return done.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """`export pptx|pdf OUT [--goal ID]` (the briefing deck or the A4 briefing) or
    `export png|svg|html ID OUT` (one chart)."""
    from indicators import briefing_pdf, deck, export  # late: pptx, kaleido, WeasyPrint load here

    model = _model(args)
    for indicator_id in [*(args.indicator or []),
                         *([args.id] if args.kind not in ("pptx", "pdf") else [])]:
        if model.indicator(indicator_id) is None:
            raise UsageError(t("cli.unknown_indicator", args.lang, id=indicator_id))
    unknown = [g for g in args.goal or [] if model.goal(g) is None]
    if unknown:
        raise UsageError(t("export.cli.unknown_goal", args.lang, id=unknown[0]))
    try:
        with store.reading(args.db) as con:
            if args.kind == "pptx":
                content = deck.build_deck(model, con, goals=args.goal, indicators=args.indicator,
                                          regions=args.region, lang=args.lang, maps=args.maps,
                                          funding=args.funding,
                                          progress=lambda done, total, what: print(
                                              f"[{done}/{total}] {what}", file=sys.stderr))
            elif args.kind == "pdf":
                content = briefing_pdf.build_pdf(
                    model, con, goals=args.goal, indicators=args.indicator, lang=args.lang,
                    progress=lambda done, total, what: print(f"[{done}/{total}] {what}",
                                                             file=sys.stderr))
            else:
                content = _export_chart(model, con, args)
    except export.ExportUnavailable as error:
        print(f"{t('export.no_browser', args.lang)}\n{error}", file=sys.stderr)
        return EXIT_INVALID
    except briefing_pdf.PdfUnavailable as error:
        print(f"{t('briefing.unavailable', args.lang)}\n{error}", file=sys.stderr)
        return EXIT_INVALID
    Path(args.out).write_bytes(content)
    print(t("export.cli.wrote", args.lang, file=args.out))
    return EXIT_OK


def _export_chart(model: PlanModel, con: duckdb.DuckDBPyConnection, args: argparse.Namespace
                  ) -> bytes:
    from indicators import export  # late, as in cmd_export: plotly and kaleido load here

    data = export.load_indicator(model, con, args.id, args.region)
    fig = export.trend_figure(model, data, args.lang, args.region)
    if args.kind == "png":
        return export.to_png(fig, args.preset)
    if args.kind == "svg":
        return export.to_svg(fig, args.preset)
    return export.to_html(fig, f"{data.indicator.id} {data.indicator.name.get(args.lang)}",
                          args.lang).encode("utf-8")


def _export_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                   common: argparse.ArgumentParser) -> None:
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
    pdf = kinds.add_parser("pdf", parents=[common], help="the A4 briefing (tagged PDF/UA)")
    pdf.add_argument("out", metavar="OUT.pdf")
    pdf.add_argument("--goal", action="append", metavar="ID", help="a goal (repeatable)")
    pdf.add_argument("--indicator", action="append", metavar="ID", help="only these indicators")
    pdf.set_defaults(id=None)
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
    "validate": cmd_validate, "build": cmd_build, "sync": cmd_sync, "import": cmd_import,
    "history": cmd_history, "undo": cmd_undo, "export-csv": cmd_export_csv,
    "hash-password": cmd_hash_password, "fetch": cmd_fetch, "export": cmd_export,
    "due": cmd_due, "ssb": cmd_ssb, "refresh": cmd_refresh, "publish": cmd_publish,
}


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=str(store.db_path_default()))
    common.add_argument("--config", default=str(paths.config_file(Path("."))))
    common.add_argument("--data", default=None, help="data folder (default: next to config/)")
    common.add_argument("--lang", default="nb", choices=["nb", "en"])
    # The shared options live on each command (not on the top parser too), so that a command's
    # defaults never overwrite an option given before the command name.
    main = argparse.ArgumentParser(prog="python -m indicators")
    sub = main.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", parents=[common])
    validate.add_argument("--online", action="store_true",
                          help="also check the ssb: blocks against SSB's metadata (ssb check)")
    sub.add_parser("build", parents=[common])
    sub.add_parser("sync", parents=[common],
                   help="import what data/ changed, keeping the history (make run)")
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
    _wait_publish(imp)
    sub.add_parser("history", parents=[common])
    undo = sub.add_parser("undo", parents=[common])
    undo.add_argument("import_id", type=int)
    undo.add_argument("--force", action="store_true")
    undo.add_argument("--user")
    undo.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None)
    _wait_publish(undo)
    sub.add_parser("hash-password", parents=[common])
    pub = sub.add_parser("publish", parents=[common],
                         help="the static bundle: pages without JavaScript, embeds, open data")
    pub.add_argument("out", metavar="OUT/", help="the bundle's folder (replaced whole)")
    pub.add_argument("--base-url", metavar="URL",
                     help="where the bundle is served, for whole addresses in the embed codes "
                          "(default: $DASHBOARD_PUBLISH_URL)")
    pub.add_argument("--queued", action="store_true", help=argparse.SUPPRESS)  # republish.py
    prog = sub.add_parser("progress", parents=[common])
    prog.add_argument("--json", action="store_true")
    prog.add_argument("--as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                      help="the date taken as today for the staleness rule (default: today)")
    due = sub.add_parser("due", parents=[common],
                         help="reminders: what is late or due within 30 days, one per owner")
    due.add_argument("--json", action="store_true")
    due.add_argument("--as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                     help="the date taken as today (default: today)")
    due.add_argument("--out", metavar="DIR", help="write one .eml file per owner into DIR")
    due.add_argument("--base-url", help="the dashboard's address, for a link under each task")
    due.add_argument("--sender", default="noreply@localhost", help="From: of written messages")
    due.add_argument("--send", action="store_true",
                     help="send through the [smtp] server in secrets.toml (host, port, from, ...)")
    due.add_argument("--secrets", default=str(Path(".streamlit") / "secrets.toml"))
    exp = sub.add_parser("export-csv", parents=[common])
    exp.add_argument("--indicator")
    fetch = sub.add_parser("fetch", parents=[common], help="refresh indicators from a source")
    fetch.add_argument("source", choices=["ssb"])
    fetch.add_argument("ids", nargs="*", metavar="ID", help="indicator ids (default: all with ssb:)")
    fetch.add_argument("--dry-run", action="store_true")
    fetch.add_argument("--user")
    fetch.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None)
    _wait_publish(fetch)
    _export_parser(sub, common)
    _ssb_parser(sub, common)
    refresh = sub.add_parser("refresh", parents=[common],
                             help="refresh every ready SSB indicator (for cron); exit 3: SSB unreachable")
    refresh.add_argument("--user", help="the name in the import history (default: refresh)")
    refresh.add_argument("--write-back", action=argparse.BooleanOptionalAction, default=None)
    _wait_publish(refresh)
    return main


def _wait_publish(command: argparse.ArgumentParser) -> None:
    command.add_argument("--wait-publish", action="store_true",
                         help="with $DASHBOARD_PUBLISH: wait for the static bundle to be remade "
                              "(default: it is remade in the background)")


def _ssb_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                common: argparse.ArgumentParser) -> None:
    ssb = sub.add_parser("ssb", help="check ssb: blocks, search and describe SSB tables")
    actions = ssb.add_subparsers(dest="action", required=True)
    check = actions.add_parser("check", parents=[common],
                               help="check ssb: blocks against SSB's metadata")
    check.add_argument("ids", nargs="*", metavar="ID", help="indicator ids (default: every block)")
    check.add_argument("--record", action="store_true",
                       help="write verified: <today> into each block that passed")
    check.add_argument("--user", help="the name in the history of the goals file (default: ssb check)")
    search = actions.add_parser("search", parents=[common], help="find SSB tables by words")
    search.add_argument("words", nargs="+", metavar="WORD")
    describe = actions.add_parser("describe", parents=[common],
                                  help="a table's variables, codes, codelists, units, last update")
    describe.add_argument("table", metavar="TABLE")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    needs_db = args.command in ("history", "undo", "export-csv", "progress", "export", "due",
                                "publish")
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
        for issue in error.problems:
            print(issue.line_text(args.lang))
        return EXIT_INVALID
    except (store.StorageError, OSError, duckdb.Error) as error:
        # A damaged database, a read-only folder, a full disk: one sentence and the way out.
        problem = health.from_error(error)
        if problem is None:
            raise
        print(problem.message(args.lang, "cli"), file=sys.stderr)
        return EXIT_USAGE if problem.kind in ("db_missing", "db_unreadable") else EXIT_INVALID
    except store.StoreError as error:
        print(error.text(args.lang), file=sys.stderr)
        return EXIT_INVALID
