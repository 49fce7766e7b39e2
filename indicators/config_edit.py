"""Change config/goals.yaml from the app: comments and layout kept, checked before it is written,
in the history, and undone byte for byte.

The one entry point for any edit of the plan model:

    import_id = edit(config_path, db_path, change, user="Kari", summary="2B-04: mål vedtatt")

`change` gets the file as a ruamel.yaml round-trip document (a CommentedMap) and changes it in
place; `find(doc, "indicators", "2B-04")` gives an entry and `put(mapping, key, value)` sets a key
(use it to add a key: it keeps a trailing comment or blank line where it was). Undo goes through
the normal undo (workflow.undo, the CLI's `undo`, Angre on Oppdater data), which calls `undo` here.

Why a merge: ruamel.yaml re-renders some hand layout (a flow list wrapped over two lines, `null`)
even when nothing changed, so the file is not written as ruamel dumps it. The document is dumped
before and after the change, and only the lines that differ between those two dumps are swapped
into the original text; a change that touches a line ruamel cannot reproduce is refused rather
than reformatted. So `git diff` shows exactly the change.

The store keeps the old and new bytes (kind "config"); the file is replaced atomically, with its
permissions, inside the same write as the history record, so the two never disagree.
"""

from __future__ import annotations

import difflib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from indicators import files, store
from indicators.model import validate_config

Change = Callable[[CommentedMap], None]
# Block indents tried when dumping (mapping, block-sequence offset): the one that reproduces most
# of the file is the file's own.
INDENTS = ((2, 2), (2, 0), (4, 2), (4, 0))
KIND = store.CONFIG_KIND


class ConfigEditError(store.EditError):
    """An edit or undo of the plan model file that was refused; `message(lang)` says why in the
    planner's language, each config problem after its file:line:field."""


# ---- the public entry points ------------------------------------------------------------------


def edit(config_path: Path | str, db_path: Path | str, change: Change, *, user: str | None,
         summary: str) -> int:
    """Apply `change` to the plan model file and record it; returns the import id of the record.

    Refused (ConfigEditError, the file untouched) without a user, when the change changes
    nothing, when it cannot keep the file's layout, or when the result does not validate.
    """
    return _edit(config_path, db_path, lambda old: render(old, change), user, summary)


def edit_text(config_path: Path | str, db_path: Path | str, rewrite: Callable[[str], str], *,
              user: str | None, summary: str) -> int:
    """Like `edit`, for a change that replaces whole lines itself (`rewrite` gets and gives the
    file's text): a block whose hand layout ruamel cannot reproduce can still be replaced as a
    whole. Checked, recorded and undone exactly as `edit`."""
    return _edit(config_path, db_path,
                 lambda old: rewrite(old.decode("utf-8")).encode("utf-8"), user, summary)


def _edit(config_path: Path | str, db_path: Path | str, make: Callable[[bytes], bytes],
          user: str | None, summary: str) -> int:
    if not (user or "").strip():
        raise ConfigEditError("config_edit.error.no_user")
    path = Path(config_path)
    # The writer lock makes it one edit at a time; the file goes back to what it was when the
    # history record does not land (the transaction commits as it closes, inside the guard).
    with _put_back_on_failure(path) as guard, store.transaction(Path(db_path)) as con:
        old = path.read_bytes()
        new = make(old)
        if new == old:
            raise ConfigEditError("config_edit.error.nothing")
        tmp = _checked_copy(path, new)
        try:
            import_id = store.record_config_change(con, path.name, old, new, user=str(user),
                                                   summary=summary)
            _swap_in(tmp, path)
            guard.before = old
        finally:
            tmp.unlink(missing_ok=True)
    return import_id


def undo(config_path: Path | str, db_path: Path | str, import_id: int, *,
         user: str | None) -> int:
    """Put the file back exactly as it was before change `import_id`; returns the undo's id.

    Refused when the file is not now exactly what that change left (edited by hand since, or
    changed by a later edit that still stands): undoing then would lose that work.
    """
    if not (user or "").strip():
        raise ConfigEditError("config_edit.error.no_user")
    path = Path(config_path)
    with _put_back_on_failure(path) as guard, store.transaction(Path(db_path)) as con:
        change = store.config_change(con, import_id)
        if change is None:
            raise ConfigEditError("config_edit.error.not_config", id=import_id)
        name, old, new = change
        current = path.read_bytes() if path.exists() else b""
        if path.name != name or current != new:
            raise ConfigEditError("config_edit.error.changed_since", id=import_id,
                                  file=path.name)
        undo_id = store.record_undo(con, import_id, user=str(user))
        _write(path, old)
        guard.before = current
    return undo_id


def render(text: bytes | str, change: Change) -> bytes:
    """The file's bytes after `change`: the original with only the changed lines replaced."""
    original = text.decode("utf-8") if isinstance(text, bytes) else text
    bom = original.startswith("\ufeff")  # kept as the planner's editor wrote them
    crlf = "\r\n" in original
    original = original.removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        doc = _yaml(*INDENTS[0]).load(original)  # loading is the slow part: once
        yaml, base = _best_dumper(original, doc)
        change(doc)
        merged = _merge(original, base, _dump(yaml, doc))
        if _plain(yaml.load(merged)) != _plain(doc):  # the merged text must mean the change
            raise ConfigEditError("config_edit.error.layout")
    except YAMLError as error:
        raise ConfigEditError("config_edit.error.yaml", problem=str(error).splitlines()[0]) from None
    merged = merged.replace("\n", "\r\n") if crlf else merged
    return (("\ufeff" if bom else "") + merged).encode("utf-8")


# ---- helpers for `change` functions -----------------------------------------------------------


def find(doc: CommentedMap, section: str, item_id: str, key: str = "id") -> CommentedMap:
    """The entry of a list section with that id (`find(doc, "indicators", "2B-04")`)."""
    for item in doc.get(section) or []:
        if isinstance(item, CommentedMap) and str(item.get(key)) == item_id:
            return item
    raise ConfigEditError("config_edit.error.no_entry", section=section, id=item_id)


def put(mapping: CommentedMap, key: str, value: Any, after: str | None = None) -> None:
    """Set `mapping[key]`; a new key goes after the key `after` (default: at the end).

    A new last key takes over the comment or blank line that followed the old last one, so an
    indicator's added `owner:` stays inside its block, above the blank line before the next.
    """
    value = _commented(value)
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    if after is not None and after in keys and after != keys[-1]:
        mapping.insert(keys.index(after) + 1, key, value)
        return
    trailing = _take_trailing(mapping)
    mapping[key] = value
    if trailing is not None:
        _give_trailing(mapping, trailing)


def remove(mapping: CommentedMap, key: str) -> None:
    """Delete a key, keeping a trailing comment or blank line it carried."""
    if key not in mapping:
        return
    if list(mapping)[-1] == key and len(mapping) > 1:
        trailing = _take_trailing(mapping)
        del mapping[key]
        if trailing is not None:
            _give_trailing(mapping, trailing)
        return
    del mapping[key]


# ---- dumping and merging ----------------------------------------------------------------------


def _yaml(mapping: int, offset: int) -> YAML:
    yaml = YAML()  # round trip: comments, key order, quotes and flow style kept
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never wrap: long lines stay one line, as planners write them
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def _null(representer: Any, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _dump(yaml: YAML, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _best_dumper(original: str, doc: Any) -> tuple[YAML, str]:
    """The dumper whose dump of the unchanged `doc` matches most of the file, and that dump."""
    best: tuple[int, YAML, str] | None = None
    lines = original.splitlines()
    for mapping, offset in INDENTS:
        yaml = _yaml(mapping, offset)
        base = _dump(yaml, doc)
        if base == original:
            return yaml, base
        same = sum(b.size for b in _matcher(lines, base.splitlines()).get_matching_blocks())
        if same >= 0.9 * len(lines):  # this is the file's layout; the rest is hand wrapping
            return yaml, base
        if best is None or same > best[0]:
            best = (same, yaml, base)
    assert best is not None  # INDENTS is not empty
    return best[1], best[2]


def _matcher(a: list[str], b: list[str]) -> difflib.SequenceMatcher[str]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False)


def _merge(original: str, base: str, after: str) -> str:
    """`original` with each hunk that turns `base` into `after` applied where `base`'s lines
    stand in it; refused when a hunk touches a line `base` does not reproduce."""
    lines, base_lines, after_lines = (original.splitlines(keepends=True),
                                      base.splitlines(keepends=True),
                                      after.splitlines(keepends=True))
    where: dict[int, int] = {}  # base line -> the same line in the original
    for block in _matcher(base_lines, lines).get_matching_blocks():
        where.update({block.a + k: block.b + k for k in range(block.size)})
    edits = []
    for tag, i1, i2, j1, j2 in _matcher(base_lines, after_lines).get_opcodes():
        if tag != "equal":
            start, end = _span(where, i1, i2, len(base_lines))
            edits.append((start, end, after_lines[j1:j2]))
    for start, end, new in reversed(edits):
        lines[start:end] = new
    return "".join(lines)


def _span(where: dict[int, int], i1: int, i2: int, n: int) -> tuple[int, int]:
    """The original lines standing for base lines i1..i2 (an insertion when i1 == i2)."""
    if i1 < i2:
        found = [where.get(k, -1) for k in range(i1, i2)]  # -1: a line base does not reproduce
        if -1 in found or found != list(range(found[0], found[0] + len(found))):
            raise ConfigEditError("config_edit.error.layout")
        return found[0], found[-1] + 1
    before = where.get(i1 - 1) if i1 > 0 else -1
    following = where.get(i1) if i1 < n else None
    if before is None or (i1 < n and following != before + 1):
        raise ConfigEditError("config_edit.error.layout")
    return before + 1, before + 1


def _plain(node: Any) -> Any:
    """A document as plain Python data, to compare meanings."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node if isinstance(node, int | float | bool | date | type(None)) else str(node)


def _commented(value: Any) -> Any:
    """Plain dicts and lists as ruamel's own types, so comments can be attached to them."""
    if isinstance(value, dict) and not isinstance(value, CommentedMap):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _commented(v)
        return out
    if isinstance(value, list) and not isinstance(value, CommentedSeq):
        return CommentedSeq(_commented(v) for v in value)
    return value


def _last_slot(node: Any) -> tuple[Any, Any] | None:
    """The innermost (collection, key or index) the node's text ends with."""
    found = None
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        found = (node, key)
        node = node[key]
    return found


def _take_trailing(mapping: CommentedMap) -> Any:
    """Detach the comment (or blank line) that follows the mapping's last line; None if none."""
    slot = _last_slot(mapping)
    if slot is None:
        return None
    node, key = slot
    entry = node.ca.items.get(key)
    at = 2 if isinstance(node, CommentedMap) else 0
    if not entry or len(entry) <= at or entry[at] is None:
        return None
    token, entry[at] = entry[at], None
    return token


def _give_trailing(mapping: CommentedMap, token: Any) -> None:
    slot = _last_slot(mapping)
    if slot is None:  # an empty mapping has no line to carry the comment
        return
    node, key = slot
    at = 2 if isinstance(node, CommentedMap) else 0
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    entry[at] = token


# ---- writing ----------------------------------------------------------------------------------


def _checked_copy(path: Path, new: bytes) -> Path:
    """The new text in a temporary file beside the original (so regions.yaml beside it is the
    one checked with it), validated; raises ConfigEditError listing the problems."""
    tmp = _temp_beside(path, new)
    try:
        problems = validate_config(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if problems:
        tmp.unlink(missing_ok=True)
        shown = [replace(p, file=path.name if p.file == str(tmp) else Path(p.file or "").name)
                 for p in problems]
        raise ConfigEditError("config_edit.error.invalid", problems=shown, n=len(shown))
    return tmp


def _temp_beside(path: Path, data: bytes) -> Path:
    with store.storage_errors(path):
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), files.mode_for(path))  # 0644 stays 0644
            handle.write(data)
    return Path(name)


def _swap_in(tmp: Path, path: Path) -> None:
    """Replace `path` by `tmp` atomically, with a modification time later than the old one: the
    app reloads the plan model when the time changes (ui/data.py), also on a coarse clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    with store.storage_errors(path):
        os.replace(tmp, path)
        now = path.stat().st_mtime_ns
        if now <= before:
            os.utime(path, ns=(now, before + 1_000_000))


@dataclass
class _Written:
    """What a file held before this change wrote it (None: not written yet)."""

    before: bytes | None = None


@contextmanager
def _put_back_on_failure(path: Path) -> Iterator[_Written]:
    """Put `path` back as it was when the block fails after writing it (guard.before set)."""
    guard = _Written()
    try:
        yield guard
    except BaseException:
        if guard.before is not None:
            _write(path, guard.before)
        raise


def _write(path: Path, data: bytes) -> None:
    tmp = _temp_beside(path, data)
    try:
        _swap_in(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
