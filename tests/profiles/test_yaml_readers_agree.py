"""Profiles in YAML are scanned by libyaml when PyYAML has it, and by PyYAML's own scanner otherwise; both feed the
same composer, resolver and safe constructor. Whatever a YAML writer produces, and every example profile, reads as
the same data through either. (On hand-written oddities the two scanners part: libyaml accepts a tab inside a plain
scalar, which PyYAML's scanner refuses; docs/profiles.md says so.)"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.profile import fact_loader_on, libyaml_safe_loader
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")

TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\ufeff"),
                max_size=30)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), TEXTS,
                    st.sampled_from(["no", "yes", "on", "01234", "0x5300", "2025-02-27", "2025-02-27T13:00:00Z",
                                     "1_000", "12:30", ".inf", "~", "NOC 21231", "- item", "# not a comment"]))
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(TEXTS, inner, max_size=4)), max_leaves=20)


def read(text: str, loader: Any) -> Any:
    return yaml.load(text, Loader=loader)  # noqa: S506 - both are the fact loader, on one scanner or the other


@pytest.fixture(scope="module")
def loaders() -> tuple[Any, Any]:
    return fact_loader_on(libyaml_safe_loader()), fact_loader_on(yaml.SafeLoader)


@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".yaml"), ids=lambda p: p.stem)
def test_every_example_profile_reads_the_same_through_both_scanners(path: Any, loaders: tuple[Any, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    in_c, in_python = (read(text, loader) for loader in loaders)
    assert in_c == in_python and in_c["id"] == path.stem


@settings(max_examples=150, deadline=None, derandomize=True)
@given(document=DOCUMENTS, flow=st.sampled_from([None, True, False]), unicode=st.booleans())
def test_what_a_yaml_writer_writes_reads_the_same_through_both_scanners(document: Any, flow: bool | None,
                                                                         unicode: bool) -> None:
    libyaml_loader, python_loader = fact_loader_on(libyaml_safe_loader()), fact_loader_on(yaml.SafeLoader)
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)
    assert read(text, libyaml_loader) == read(text, python_loader)


def test_a_broken_document_is_refused_by_both_scanners(loaders: tuple[Any, Any]) -> None:
    for broken in ("id: x\n  - a\nb: [1, 2\n", "id: 'unterminated\n", "a: b: c\n", "- a\nb: c\n", "[1, 2]]"):
        for loader in loaders:
            with pytest.raises(yaml.YAMLError):
                read(broken, loader)
