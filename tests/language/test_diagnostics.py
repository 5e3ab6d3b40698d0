"""Every diagnostic of the language, with its exact text (golden files beside each bad fixture).

Each fixture in tests/fixtures/diagnostics/ is a one-file rulebook named after the code it must produce; the
rendered diagnostics (file:line:col: code: message, the source line, a caret, a suggestion) are kept in
`<fixture>.expected`. Run `pytest --update-goldens` to rewrite them after an intended change, and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dsl.diagnostics import RuleErrors
from engine.lower.rulebook import Compiler
from tests.conftest import check_golden

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "diagnostics"
BAD = sorted(FIXTURES.glob("*.rules"))


def diagnose(folder: Path) -> RuleErrors:
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(folder, "bad")
    return caught.value


@pytest.mark.parametrize("fixture", BAD, ids=[p.stem for p in BAD])
def test_bad_rule_file_gives_its_diagnostic(fixture: Path, tmp_path: Path, update_goldens: bool) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    shutil.copy(fixture, folder / "main.rules")
    errors = diagnose(folder)
    code = fixture.stem.split("_", 1)[0]
    assert code in {d.code for d in errors.diagnostics}
    check_golden(fixture.with_suffix(".expected"), errors.render() + "\n", update_goldens)


def test_every_error_of_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "E201_unknown_name.rules", folder / "main.rules")
    errors = diagnose(folder)
    assert [d.code for d in errors.diagnostics] == ["E201", "E201"]


def test_errors_of_several_files_are_reported_together(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "E002_unclosed_brace.rules", folder / "main.rules")
    (folder / "other.rules").write_text('define x "x" cite src = \n', encoding="utf-8")
    errors = diagnose(folder)
    assert {d.span.file for d in errors.diagnostics} == {"bad/main.rules", "bad/other.rules"}


def test_deep_nesting_is_refused_with_its_own_message(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    header = (FIXTURES / "E121_unknown_source.rules").read_text(encoding="utf-8").splitlines()[:2]
    deep = "not " * 150 + "true"
    (folder / "main.rules").write_text("\n".join([*header, f'define x "x" cite src = {deep}']), encoding="utf-8")
    errors = diagnose(folder)
    assert [d.code for d in errors.diagnostics] == ["E004"]
    assert "limit is 100" in errors.diagnostics[0].message


def test_a_file_that_is_too_large_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    (folder / "main.rules").write_text("# padding\n" * 120_000, encoding="utf-8")
    assert [d.code for d in diagnose(folder).diagnostics] == ["E005"]


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "bad"
    folder.mkdir(parents=True)
    (folder / "main.rules").write_bytes(b'# ok\ndefine x "caf\xe9" = true\n')
    (diagnostic,) = diagnose(folder).diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("E006", 2, 14)


class TestImports:
    def folder(self, tmp_path: Path, text: str) -> Path:
        folder = tmp_path / "rules" / "bad"
        folder.mkdir(parents=True)
        (folder / "main.rules").write_text(text, encoding="utf-8")
        return folder

    def test_an_import_outside_the_rules_tree_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "secret.rules").write_text("", encoding="utf-8")
        errors = diagnose(self.folder(tmp_path, 'import "../../secret.rules"\n'))
        assert [d.code for d in errors.diagnostics] == ["E013"]

    def test_an_absolute_import_is_refused(self, tmp_path: Path) -> None:
        errors = diagnose(self.folder(tmp_path, f'import "{tmp_path / "x.rules"}"\n'))
        assert [d.code for d in errors.diagnostics] == ["E013"]

    def test_a_symbolic_link_out_of_the_tree_is_refused(self, tmp_path: Path) -> None:
        outside = tmp_path / "outside.rules"
        outside.write_text("", encoding="utf-8")
        folder = self.folder(tmp_path, 'import "../common/link.rules"\n')
        (folder.parent / "common").mkdir()
        (folder.parent / "common" / "link.rules").symlink_to(outside)
        assert [d.code for d in diagnose(folder).diagnostics] == ["E013"]

    def test_an_import_must_name_a_rule_file(self, tmp_path: Path) -> None:
        errors = diagnose(self.folder(tmp_path, 'import "../passwords.txt"\n'))
        assert [d.code for d in errors.diagnostics] == ["E014"]

    def test_a_missing_import_is_reported_where_it_is_written(self, tmp_path: Path) -> None:
        errors = diagnose(self.folder(tmp_path, '# shared sources\nimport "../common/nothing.rules"\n'))
        (diagnostic,) = errors.diagnostics
        assert (diagnostic.code, diagnostic.span.line) == ("E015", 2)
