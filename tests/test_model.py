"""The document model: JSON round trip, schema, validation, ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from masthead.model import Block, Document, Mark, ModelError, Source, make_document_id, slugify, validate
from strategies import documents

SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "document.schema.json").read_text())


@settings(max_examples=100, deadline=None)
@given(documents())
def test_json_round_trip_and_schema(doc: Document) -> None:
    text = doc.to_json()
    assert Document.from_json(text) == doc
    jsonschema.validate(json.loads(text), SCHEMA)


def test_from_json_rejects_bad_input() -> None:
    with pytest.raises(ModelError, match="invalid JSON at line 1"):
        Document.from_json("{not json")
    with pytest.raises(ModelError, match="not a Masthead document"):
        Document.from_json('{"title": "no id"}')
    with pytest.raises(ModelError, match="top level"):
        Document.from_json("[]")


def test_validation_catches_bad_marks_and_kinds() -> None:
    good = Document(id="x", title="t", blocks=(Block("paragraph", "abc", (Mark(0, 3, "emphasis"),)),))
    Document.from_json(good.to_json())
    bad = good.replace(blocks=(Block("paragraph", "abc", (Mark(1, 9, "emphasis"),)),))
    with pytest.raises(ModelError, match="outside its block"):
        Document.from_json(bad.to_json())
    with pytest.raises(ModelError, match="unknown block kind"):
        Document.from_json(good.replace(blocks=(Block("sidebar", "x"),)).to_json())
    with pytest.raises(ModelError, match="level"):
        Document.from_json(good.replace(blocks=(Block("heading", "x", level=9),)).to_json())


def test_ids_are_readable_and_stable() -> None:
    doc = Document(
        id="",
        title="Independent Socialism, Building Workers’ Confidence, Is Only Answer to Stalinism",
        source=Source(periodical="Labor Action", date="1948-03-08"),
    )
    assert make_document_id(doc) == "labor-action/1948/03/08/independent-socialism-building-workers"
    assert make_document_id(doc) == make_document_id(doc.replace(subtitle="other"))
    no_source = Document(id="", title="The Coming Generation", writers=("James Connolly",), date_line="1900")
    assert make_document_id(no_source) == "james-connolly/1900/coming-generation"
    assert make_document_id(Document(id="", title=""), fallback="laborrep") == "laborrep"


def test_slugify_folds_accents_and_quotes() -> None:
    assert slugify("Jaurès’ Party") == "jaures-party"
    assert slugify("Workers' Republic") == "workers-republic"


def test_plain_text_skips_breaks_and_includes_notes() -> None:
    from masthead.model import Note

    doc = Document(
        id="x",
        title="t",
        blocks=(Block("paragraph", "one"), Block("section_break"), Block("paragraph", "two")),
        notes=(Note("1", "1", (Block("paragraph", "a note"),)),),
    )
    assert doc.plain_text() == "one\n\ntwo\n\n[1] a note"
    assert doc.word_count() == 4  # "one", "two", "a note": note labels are not words


@pytest.mark.parametrize(
    "block",
    [
        Block("sidebar", "x"),
        Block("heading", "x"),
        Block("heading", "x", level=7, anchor="a"),
        Block("paragraph", "abc", (Mark(0, 4, "emphasis"),)),
        Block("paragraph", "abc", (Mark(2, 1, "link", target="x"),)),
        Block("paragraph", "abc", (Mark(0, 1, "blink"),), style="fst"),
        Block("quote", children=(Block("paragraph", "ab", (Mark(-1, 1, "strong"),)),)),
        Block("list", ordered=True, children=(Block("item", "ab", (Mark(0, 9, "noteref", "n1", "1"),)),)),
    ],
)
def test_loading_checks_blocks_as_validate_does(block: Block) -> None:
    """The loader checks blocks while building them: same errors as :func:`validate`, at any depth."""
    bad = Document(id="x", title="t", blocks=(Block("paragraph", "fine"), block))
    with pytest.raises(ModelError) as expected:
        validate(bad)
    with pytest.raises(ModelError) as got:
        Document.from_json(bad.to_json())
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["blocks"].append("not a block"),
        lambda d: d["blocks"].append({"text": "no kind"}),
        lambda d: d["blocks"].append({"kind": "paragraph", "text": "ab", "marks": [{"start": 0, "end": 1}]}),
        lambda d: d["blocks"].append(
            {"kind": "paragraph", "text": "ab", "marks": [{"start": 0, "end": 1, "kind": "strong", "colour": "red"}]}
        ),
        lambda d: d["blocks"].append({"kind": "heading", "text": "ab", "level": "two"}),
        lambda d: d["notes"].append({"id": "n1"}),
        lambda d: d.update(notes=[{"id": "n", "label": "1"}, {"id": "n", "label": "2"}]),
        lambda d: d.update(credits=[{"role": "painted", "name": "x"}]),
        lambda d: d.update(source={"periodical": "x", "colour": "red"}),
        lambda d: d.update(id=""),
    ],
)
def test_from_dict_rejects_malformed_documents(change: Any) -> None:
    data = Document(id="x", title="t", blocks=(Block("paragraph", "fine"),)).to_dict()
    change(data)
    with pytest.raises(ModelError):
        Document.from_dict(data)
