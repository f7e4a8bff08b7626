"""The glossary matcher: word boundaries, possessives, accents, case, overlaps, disambiguation; the
proposer; entries' JSON and CSV forms."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.glossary import Entry, GlossaryError, Matcher, fold, link_document, starter_entries
from masthead.glossary.annotate import sentence_around, with_mention_links
from masthead.glossary.entries import (
    entries_from_csv,
    entries_from_json,
    entries_to_csv,
    entries_to_json,
    load_entries,
)
from masthead.glossary.matcher import document_year
from masthead.glossary.propose import propose
from masthead.model import Block, Document, Mark, Source
from masthead.render.html import article_body
from masthead.textview import text_view
from strategies import documents

MARX = Entry("karl-marx", "person", "Karl Marx", ("Marx",), 1818, 1883)
JAURES = Entry("jean-jaures", "person", "Jean Jaurès", ("Jaurès",), 1859, 1914)
SPA = Entry("socialist-party-of-america", "party", "Socialist Party of America", ("Socialist Party",), 1901, 1972)
LABOUR = Entry("labour-party", "party", "Labour Party", (), 1900)
NORMAN = Entry("norman-thomas", "person", "Norman Thomas", ("Thomas",), 1884, 1968, related=(SPA.id,))
JH = Entry("jh-thomas", "person", "J. H. Thomas", ("Thomas",), 1874, 1949, description="Minister of the Labour Party")
FIRST = Entry("first-international", "organisation", "First International", ("the International",), 1864, 1876)
THIRD = Entry("third-international", "organisation", "Third International", ("the International",), 1919, 1943)
FOURTH = Entry("fourth-international", "organisation", "Fourth International", ("the International",), 1938)
ALL = [MARX, JAURES, SPA, LABOUR, NORMAN, JH, FIRST, THIRD, FOURTH]


def found(text: str, *, year: int | None = None, entries: list[Entry] = ALL) -> list[tuple[str, str]]:
    return [(m.surface, m.entry_id) for m in Matcher(entries).find(text, year=year)]


# -- matching -------------------------------------------------------------------------------------------
def test_word_boundaries() -> None:
    assert found("Marxism and Marxists and Marxian") == []
    assert found("Marx, and (Marx) and Marx-Engels and Marx.") == [("Marx", "karl-marx")] * 4
    assert found("preMarx Marx2") == []


def test_possessives_straight_and_curly() -> None:
    assert found("Marx's theory and Marx’s method") == [("Marx", "karl-marx"), ("Marx", "karl-marx")]


def test_accents_either_way() -> None:
    text = "Jaures spoke; Jaurès answered; JAURÈS wrote."
    assert found(text) == [("Jaures", "jean-jaures"), ("Jaurès", "jean-jaures"), ("JAURÈS", "jean-jaures")]
    plain = Entry("jaures", "person", "Jean Jaures", ("Jaures",))
    assert [e for _, e in found("Jaurès", entries=[plain])] == ["jaures"]
    assert fold("Jaurès’s\nbook") == "Jaures's book" and len(fold("Œuvre ß")) == len("Œuvre ß")


def test_case_sensitive_except_capitals() -> None:
    cannon = Entry("james-p-cannon", "person", "James P. Cannon", ("Cannon",))
    assert found("the cannon fired; Cannon spoke; CANNON SPEAKS", entries=[cannon]) == [
        ("Cannon", "james-p-cannon"),
        ("CANNON", "james-p-cannon"),
    ]


def test_longest_match_wins_and_no_overlaps() -> None:
    assert found("Karl Marx wrote") == [("Karl Marx", "karl-marx")]
    assert found("the Socialist Party of America and the Socialist Party") == [
        ("Socialist Party of America", SPA.id),
        ("Socialist Party", SPA.id),
    ]
    ms = Matcher(ALL).find("Karl Marx Karl Marx")
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))


def test_lines_breaks_inside_a_name() -> None:
    assert found("said Karl\nMarx then") == [("Karl\nMarx", "karl-marx")]


def test_generic_alias_not_inside_a_longer_name() -> None:
    assert found("the International Socialist Council met", year=1901) == []
    assert [e for _, e in found("The International And Its Sections", year=1870)] == ["first-international"]


# -- disambiguation -------------------------------------------------------------------------------------
def test_the_international_by_date() -> None:
    assert found("the International was founded", year=1866) == [("the International", "first-international")]
    assert found("the International", year=1925) == [("the International", "third-international")]
    assert found("The International", year=1948) == [("The International", "fourth-international")]
    m = Matcher(ALL).find("the International", year=1948)[0]
    assert set(m.alternatives) == {"first-international", "third-international"} and 0 < m.confidence < 0.95


def test_two_thomases_by_co_occurring_entries() -> None:
    text_us = "Thomas spoke for the Socialist Party."
    text_uk = "Thomas spoke for the Labour Party."
    assert found(text_us, year=1930)[0] == ("Thomas", "norman-thomas")
    assert found(text_uk, year=1930)[0] == ("Thomas", "jh-thomas")  # related through his description
    alone = Matcher(ALL).find("Thomas spoke.", year=1930)[0]
    sure = Matcher(ALL).find(text_us, year=1930)[0]
    assert sure.confidence > alone.confidence


def test_confidence_lower_before_an_entry_existed() -> None:
    early = Matcher([FOURTH]).find("Fourth International", year=1920)[0]
    later = Matcher([FOURTH]).find("Fourth International", year=1948)[0]
    assert early.confidence < later.confidence


def test_only_accepted_entries_are_matched() -> None:
    proposed = Entry("marx-x", "person", "Marx", status="proposed")
    assert found("Marx", entries=[proposed]) == []


def test_document_year_fallbacks() -> None:
    assert document_year(Document(id="a", title="t", source=Source(date="1948-03-08"))) == 1948
    assert document_year(Document(id="a", title="t", date_line="(March 1932)")) == 1932
    assert document_year(Document(id="a", title="t", info=(("Written", "Spring of 1845"),))) == 1845
    assert document_year(Document(id="a", title="t", info=(("Last updated", "2017"),))) is None


# -- offsets always point into the view text ---------------------------------------------------------
@given(documents(), st.lists(st.sampled_from(["Marx", "Jaurès", "Karl Marx", "the International", "Thomas’s"])))
@settings(max_examples=60, deadline=None)
def test_offsets_are_valid(doc: Document, names: list[str]) -> None:
    extra = Block("paragraph", " ".join(names) + " Marx")
    doc = doc.replace(blocks=(*doc.blocks, extra))
    view = text_view(doc)
    mentions = link_document(doc, Matcher(ALL))
    assert mentions and all(view.text[m.start : m.end] == m.surface for m in mentions)
    assert all(0 <= m.confidence <= 1 for m in mentions)
    linked = with_mention_links(doc, mentions, lambda eid: f"/glossary/{eid}")
    article_body(linked)  # renders with the extra marks, whatever the document's own marks


def test_mentions_become_links_in_the_article_body() -> None:
    doc = Document(
        id="d",
        title="Marx",
        blocks=(Block("paragraph", "We read Karl Marx today.", (Mark(8, 12, "emphasis"),)),),
    )
    mentions = link_document(doc, Matcher(ALL))
    assert [m.surface for m in mentions] == ["Marx", "Karl Marx"]
    html = article_body(with_mention_links(doc, mentions, lambda e: f"/glossary/{e}"))
    assert '<a href="/glossary/karl-marx">' in html and "<h1>Marx</h1>" in html  # the title is left alone


def test_sentence_around() -> None:
    text = "First one. Then Karl Marx wrote “Capital.” After that.\n\nNext."
    s, a, b = sentence_around(text, text.index("Karl"), text.index("Karl") + 9)
    assert s == "Then Karl Marx wrote “Capital.”" and s[a:b] == "Karl Marx"
    long = "x" * 900 + " Marx " + "y" * 900
    s, a, b = sentence_around(long, 901, 905)
    assert s[a:b] == "Marx" and s.startswith("…") and s.endswith("…") and len(s) < 700


# -- entries: JSON and CSV --------------------------------------------------------------------------------
def test_json_and_csv_round_trip(tmp_path) -> None:
    entries = [MARX, JAURES.replace(links=("https://example.org/j",), sources=("a", "b")), NORMAN]
    assert entries_from_json(entries_to_json(entries)) == entries
    assert entries_from_csv(entries_to_csv(entries)) == entries
    (tmp_path / "g.csv").write_text(entries_to_csv(entries), encoding="utf-8")
    assert load_entries(tmp_path / "g.csv") == entries


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[\n {"name": "A", "type": "person"},\n {"name": "B", "type": "persn"}\n]', "g.json:3"),
        ('[\n {"name": "A", "type": "person"},\n {"type": "person"}\n]', "g.json:3"),
        ('[\n {"name": "A", "type": "person", "date_from": "soon"}\n]', "g.json:2"),
        ('[\n {"name": "A", "type": "person", "date_from": 1900, "date_to": 1800}\n]', "g.json:2"),
        ('[\n {"name": "A", "type": "person"},\n {"name": "A", "type": "person"}\n]', "g.json:3"),
        ('[\n {"name": "A", "type": "person",\n', "g.json:3"),
        ('[\n {"name": "A", "type": "person"},\n {"id": "queue", "name": "B", "type": "person"}\n]', "g.json:3"),
    ],
)
def test_bad_json_says_file_and_line(tmp_path, text: str, where: str) -> None:
    path = tmp_path / "g.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        load_entries(path)
    assert str(err.value).startswith(str(tmp_path / where)) and "\n" not in str(err.value)


def test_a_name_whose_slug_names_a_glossary_page_gets_another_id(tmp_path) -> None:
    path = tmp_path / "g.json"
    path.write_text('[{"name": "Queue", "type": "person"}, {"name": "Queue Street", "type": "place"}]')
    assert [e.id for e in load_entries(path)] == ["queue-entry", "queue-street"]


def test_bad_csv_says_file_and_line(tmp_path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("name,type,aliases\nMarx,person,Karl Marx\nEngels,persn,\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv:3: .*type 'persn'"):
        load_entries(path)
    path.write_text("name,kind\nMarx,person\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv:1: the header row lacks type"):
        load_entries(path)
    with pytest.raises(GlossaryError, match="no such file"):
        load_entries(tmp_path / "missing.json")


def test_starter_glossary() -> None:
    entries = starter_entries()
    assert 40 <= len(entries) <= 100
    ids = {e.id for e in entries}
    assert {"james-connolly", "karl-marx", "irish-socialist-republican-party", "fourth-international"} <= ids
    for e in entries:
        assert e.description and e.sources and all(r in ids for r in e.related), e.id
    json.loads(entries_to_json(entries))


# -- proposals ------------------------------------------------------------------------------------------
def _doc(i: int, *paras: str) -> Document:
    """A document whose paragraphs mark ``*Title*`` as emphasis (the stars are dropped)."""
    blocks = []
    for p in paras:
        marks = []
        while "*" in p:
            a = p.index("*")
            b = p.index("*", a + 1) - 1
            p = p[:a] + p[a + 1 : b + 1] + p[b + 2 :]
            marks.append(Mark(a, b, "emphasis"))
        blocks.append(Block("paragraph", p, tuple(marks)))
    return Document(id=f"d{i}", title=f"Doc {i}", blocks=tuple(blocks))


def test_proposer_finds_names_acronyms_parties_titles() -> None:
    docs = [
        _doc(
            i,
            f"Yesterday comrade Hyndman spoke for the SDF and the Independent Labour Party in town {i}.",
            "Reports say the workers read *Justice* every week and met James Quelch again.",
            "Workers of the world went home. Housing is a question. We saw comrade Quelch.",
            "The workers of the Industrial Workers of the World struck.",
        )
        for i in range(3)
    ]
    got = {p.name: p for p in propose(docs)}
    assert got["Hyndman"].documents == 3 and got["Hyndman"].type == "person"  # after "comrade"
    assert got["SDF"].type == "organisation" and "acronym" in got["SDF"].reasons
    assert got["Independent Labour Party"].type == "party" and "the X Party" in got["Independent Labour Party"].reasons
    assert "italic title" in got["Justice"].reasons and got["Justice"].type == "periodical"
    assert got["Quelch"].alias_of == "James Quelch"
    assert "Industrial Workers of the World" in got
    assert not {"Workers", "Housing", "Reports", "Yesterday", "The"} & set(got)  # sentence-initial only
    known = [Entry("henry-hyndman", "person", "H. M. Hyndman", ("Hyndman",))]
    assert "Hyndman" not in {p.name for p in propose(docs, known=known)}


def test_proposer_needs_several_documents() -> None:
    docs = [_doc(0, "Then comrade Zelinsky spoke."), _doc(1, "Nothing here.")]
    assert "Zelinsky" not in {p.name for p in propose(docs)}
    assert "Zelinsky" in {p.name for p in propose(docs, min_documents=1)}


def test_given_names_before_a_surname() -> None:
    fdr = Entry("fdr", "person", "Franklin D. Roosevelt", ("Roosevelt",), 1882, 1945)
    tr = Entry("tr", "person", "Theodore Roosevelt", ("Roosevelt",), 1858, 1919)
    redmond = Entry("john-redmond", "person", "John Redmond", ("Redmond",), 1856, 1918)
    entries = [fdr, tr, redmond]
    assert found("the aim of Franklin Delano Roosevelt was", year=1998, entries=entries) == [
        ("Franklin Delano Roosevelt", "fdr")
    ]
    assert found("then W. Redmond MP spoke; Mr Redmond too", entries=entries) == [("Redmond", "john-redmond")]
    assert found("When Redmond spoke", entries=entries) == [("Redmond", "john-redmond")]  # "When" is no name
    assert found("Theodore Roosevelt met them. Later Roosevelt left.", year=1905, entries=entries)[1] == (
        "Roosevelt",
        "tr",
    )
