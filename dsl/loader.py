"""Reading a rulebook folder from disk: every `.rules` file in it, plus the files they import.

A rulebook folder sits in a rules tree (`rules/2025/` in `rules/`). Imports are resolved against the importing file
and must stay inside that tree: `../` escapes, absolute paths and symbolic links leading out are refused, so a rule
file can never read anything but rules. Files are read as UTF-8 text within a size limit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from dsl import ast
from dsl.diagnostics import Diagnostic, RuleErrors
from dsl.parser import MAX_TOKENS, parse, token_count, too_long
from dsl.source_hash import content_hash

MAX_FILE_BYTES = 1_000_000
MAX_FILES = 200
MAX_RULEBOOK_TOKENS = 50_000  # words and signs in all the files of a rulebook (the shipped ones hold about 8,700)


@dataclass(frozen=True, slots=True)
class SourceSet:
    """The parsed files of one rulebook, with their texts (for rendering diagnostics) keyed by display path."""

    folder: Path
    modules: tuple[ast.Module, ...]
    texts: dict[str, str]
    # Where each text was read (display path -> resolved path), and each import as (importing file, the path as
    # written, the file it led to): what a stored compilation of these files must find unchanged to be reused.
    paths: dict[str, Path] = field(default_factory=dict)
    imports: tuple[tuple[Path, str, Path], ...] = ()

    @property
    def fingerprint(self) -> str:
        """A hash of every file's path and text: equal fingerprints, equal rulebooks."""
        return content_hash(self.texts)


def load_folder(folder: Path, display_root: str | None = None) -> SourceSet:
    """Parse every `.rules` file of `folder` and everything they import; report all problems of all files at once.

    `display_root` is how the folder is named in diagnostics and explanations (default: the path as given).
    """
    folder = Path(folder)
    tree_root = folder.resolve().parent
    shown = display_root if display_root is not None else folder.as_posix()
    loader = _Loader(folder.resolve(), tree_root, shown)
    if not folder.is_dir():
        span = ast.Span(shown, 1, 1, 1, 1)
        raise RuleErrors([Diagnostic("E010", f"there is no rulebook folder at '{shown}'", span)], {})
    files = sorted(p for p in folder.resolve().iterdir() if p.suffix == ".rules" and p.is_file())
    if not files:
        span = ast.Span(shown, 1, 1, 1, 1)
        raise RuleErrors([Diagnostic("E010", f"the folder '{shown}' holds no .rules file", span)], {})
    for path in files:
        if not path.resolve().is_relative_to(tree_root):
            span = ast.Span(f"{shown}/{path.name}", 1, 1, 1, 1)
            loader.diagnostics.append(Diagnostic(
                "E013", f"'{path.name}' is a symbolic link leading outside the rules tree", span,
                suggestion="copy the file into the rules tree instead of linking to it"))
            continue
        loader.load(path, None)
    if loader.diagnostics:
        raise RuleErrors(loader.diagnostics, loader.texts)
    return SourceSet(folder, tuple(loader.modules), loader.texts, loader.paths, tuple(loader.imports))


def read_rule_file(path: Path, shown: str, where: ast.Span | None = None) -> str:
    """The text of one rule file, within the size limit and as UTF-8; raises `RuleErrors` otherwise.

    `where` is the place to report a file that cannot be read (the import naming it); by default the file itself.
    """
    where = where or ast.Span(shown, 1, 1, 1, 1)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RuleErrors([Diagnostic("E012", f"cannot read '{shown}': {error.strerror}", where)], {}) from None
    if len(data) > MAX_FILE_BYTES:
        raise RuleErrors([Diagnostic(
            "E005", f"'{shown}' is {len(data):,} bytes; a rule file may be at most {MAX_FILE_BYTES:,}", where,
            suggestion="split it into several files")], {})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise RuleErrors([Diagnostic(
            "E006", f"byte {error.start} is not UTF-8 text", ast.Span(shown, line, column, line, column + 1),
            suggestion="save the file as UTF-8")], {}) from None


def _clipped(written: str, limit: int = 80) -> str:
    """A path as written, quoted, at most `limit` characters of it: a message never carries a whole huge value."""
    if len(written) <= limit:
        return repr(written)
    return f"{written[:limit]!r}... ({len(written):,} characters)"


class _Loader:
    def __init__(self, folder: Path, tree_root: Path, shown: str) -> None:
        self.folder = folder
        self.tree_root = tree_root
        self.shown = shown
        self.seen: set[Path] = set()
        self.modules: list[ast.Module] = []
        self.texts: dict[str, str] = {}
        self.paths: dict[str, Path] = {}
        self.imports: list[tuple[Path, str, Path]] = []
        self.diagnostics: list[Diagnostic] = []
        self.tokens = 0

    def display(self, path: Path) -> str:
        relative = PurePosixPath(*path.relative_to(self.folder).parts) if path.is_relative_to(self.folder) else None
        if relative is not None:
            return f"{self.shown}/{relative}"
        parent_shown = PurePosixPath(self.shown).parent
        return f"{parent_shown}/{PurePosixPath(*path.relative_to(self.tree_root).parts)}"

    def load(self, path: Path, imported_at: ast.Span | None) -> None:
        real = path.resolve()
        if real in self.seen:
            return
        self.seen.add(real)
        shown = self.display(real)
        where = imported_at or ast.Span(shown, 1, 1, 1, 1)
        if len(self.seen) > MAX_FILES:
            self.diagnostics.append(Diagnostic("E011", f"a rulebook may hold at most {MAX_FILES} files", where))
            return
        try:
            text = read_rule_file(real, shown, where)
        except RuleErrors as errors:
            self.diagnostics.extend(errors.diagnostics)
            return
        self.texts[shown] = text
        self.paths[shown] = real
        count = token_count(text, MAX_TOKENS)[0]
        if self.tokens + count > MAX_RULEBOOK_TOKENS:
            self.diagnostics.extend(too_long(
                text, shown, MAX_RULEBOOK_TOKENS - self.tokens,
                f"the rulebook's files hold more than {MAX_RULEBOOK_TOKENS:,} words and signs in all (the limit): "
                f"this is the first past it").diagnostics)
            return
        self.tokens += count
        try:
            module = parse(text, shown)
        except RuleErrors as errors:
            self.diagnostics.extend(errors.diagnostics)
            return
        self.modules.append(module)
        for declaration in module.declarations:
            if isinstance(declaration, ast.Import):
                self.follow(real, declaration)

    def follow(self, importer: Path, declaration: ast.Import) -> None:
        written = declaration.name
        control = next((c for c in written if unicodedata.category(c) == "Cc"), None)
        if control is not None:
            self.diagnostics.append(Diagnostic(
                "E016", f"import {_clipped(written)} holds the character {control!r}, which no file name may hold",
                declaration.span, suggestion="write the path of a .rules file, such as \"../common/sources.rules\""))
            return
        try:
            self.resolve(importer, declaration)
        except (OSError, ValueError) as error:  # a path the system refuses (too long, a byte it cannot name...)
            reason = getattr(error, "strerror", None) or str(error)
            self.diagnostics.append(Diagnostic("E012", f"cannot read the import {_clipped(written)}: {reason}",
                                               declaration.span))

    def resolve(self, importer: Path, declaration: ast.Import) -> None:
        written = declaration.name
        if PurePosixPath(written).is_absolute() or Path(written).is_absolute():
            self.diagnostics.append(Diagnostic(
                "E013", f"import '{written}' is an absolute path; imports are relative to the importing file",
                declaration.span, suggestion="write a path such as \"../common/sources.rules\""))
            return
        target = (importer.parent / written).resolve()
        if not target.is_relative_to(self.tree_root):
            self.diagnostics.append(Diagnostic(
                "E013", f"import '{written}' leads outside the rules tree", declaration.span,
                suggestion="imports may only name .rules files inside the rules tree"))
            return
        if target.suffix != ".rules":
            self.diagnostics.append(Diagnostic(
                "E014", f"import '{written}' does not name a .rules file", declaration.span))
            return
        if not target.is_file():
            self.diagnostics.append(Diagnostic("E015", f"import '{written}': no such rule file", declaration.span))
            return
        self.imports.append((importer, written, target))
        self.load(target, declaration.span)
