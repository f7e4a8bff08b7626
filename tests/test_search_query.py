"""The search query language: parser units, spelling keys, edit distance, the highlighter, and the
property that any text a reader types gives results or a QueryError, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.model import Block, Document, Source
from masthead.search import QueryError, SearchIndex, parse_query
from masthead.search.query import And, Not, Or, Phrase, Prefix, Term, YearRange, query_words
from masthead.search.results import Highlighter, format_date
from masthead.search.spelling import deletes, edit_distance, spelling_key


# -- parser ------------------------------------------------------------------------------------------
def test_words_are_anded() -> None:
    assert parse_query("permanent revolution") == And(
        (Term("permanent", span=(0, 9)), Term("revolution", span=(10, 20)))
    )


def test_blank_query_is_none() -> None:
    assert parse_query("") is None
    assert parse_query("   ") is None


def test_phrase_and_unterminated_phrase() -> None:
    assert parse_query('"labor action"') == Phrase("labor action", span=(1, 13))
    node = parse_query('strike "labor action')
    assert isinstance(node, And) and node.items[1] == Phrase("labor action", span=(8, 20))


def test_typographic_quotes_are_quotes() -> None:
    assert isinstance(parse_query("“labor action”"), Phrase)


def test_or_binds_looser_than_and() -> None:
    node = parse_query("a b OR c")
    assert isinstance(node, Or)
    assert isinstance(node.items[0], And) and node.items[1] == Term("c", span=(7, 8))


def test_not_and_minus() -> None:
    node = parse_query("strike NOT war -peace")
    assert isinstance(node, And)
    assert [type(n) for n in node.items] == [Term, Not, Not]
    assert node.items[2] == Not(Term("peace", span=(16, 21)))


def test_hyphen_inside_a_word_is_not_exclusion() -> None:
    node = parse_query("anti-war")
    assert node == Term("anti-war", span=(0, 8))


def test_lone_dash_is_punctuation() -> None:
    node = parse_query("war - peace")
    assert isinstance(node, And) and all(not isinstance(n, Not) for n in node.items)


def test_parentheses_group_and_repair() -> None:
    node = parse_query("(trotsky OR lenin) revolution")
    assert isinstance(node, And) and isinstance(node.items[0], Or)
    assert parse_query("(trotsky OR lenin") == parse_query("(trotsky OR lenin)")
    assert parse_query("trotsky)") == Term("trotsky", span=(0, 7))


def test_fields() -> None:
    assert parse_query("writer:shachtman") == Term("shachtman", "writer", (7, 16))
    assert parse_query('periodical:"labor action"') == Phrase("labor action", "periodical", (12, 24))
    assert parse_query("Title:socialism") == Term("socialism", "title", (6, 15))
    node = parse_query("writer:(trotsky OR cannon)")
    assert node == Or((Term("trotsky", "writer", (8, 15)), Term("cannon", "writer", (19, 25))))
    assert parse_query("writer: cannon") == Term("cannon", "writer", (8, 14))


def test_unknown_field_is_plain_words() -> None:
    assert parse_query("Note: strike") == And((Term("Note:", span=(0, 5)), Term("strike", span=(6, 12))))


def test_years() -> None:
    assert parse_query("year:1948") == YearRange(1948, 1948)
    assert parse_query("year:1946..1948") == YearRange(1946, 1948)
    assert parse_query("year:1948..1946") == YearRange(1946, 1948)
    assert parse_query("year:1946-1948") == YearRange(1946, 1948)
    assert parse_query("year:..1940") == YearRange(None, 1940)
    assert parse_query("year:1960..") == YearRange(1960, None)


@pytest.mark.parametrize("bad", ["year:abc", "year:19", "year:..", "year:(1948)"])
def test_bad_years_are_query_errors(bad: str) -> None:
    with pytest.raises(QueryError, match="year"):
        parse_query(bad)


def test_prefix() -> None:
    assert parse_query("organi*") == Prefix("organi", span=(0, 6))
    assert parse_query("writer:trot*") == Prefix("trot", "writer", (7, 11))
    with pytest.raises(QueryError, match="at least 2 letters"):
        parse_query("a*")


def test_only_exclusions_is_an_error() -> None:
    for q in ("-war", "NOT war", "peace OR -war", "-war -peace"):
        with pytest.raises(QueryError, match="only excludes"):
            parse_query(q)


def test_dangling_operators_are_ignored() -> None:
    assert parse_query("strike OR") == Term("strike", span=(0, 6))
    assert parse_query("AND strike") == Term("strike", span=(4, 10))
    assert parse_query("strike NOT") == Term("strike", span=(0, 6))


def test_all_capitals_is_words_not_operators() -> None:
    node = parse_query("WE WILL NOT FIGHT")
    assert isinstance(node, And) and all(isinstance(n, Term) for n in node.items)
    assert [n.text for n in node.items] == ["WE", "WILL", "NOT", "FIGHT"]
    # but an operator between lower-case words still is one
    assert isinstance(parse_query("war NOT peace"), And)


def test_limits() -> None:
    with pytest.raises(QueryError, match="limit"):
        parse_query("x" * 1001)
    with pytest.raises(QueryError, match="terms"):
        parse_query(" ".join(f"w{i}" for i in range(70)))


def test_query_words_leave_out_exclusions() -> None:
    words = query_words(parse_query('strike "general strike" -war organi*'))
    assert [type(w).__name__ for w in words] == ["Term", "Phrase", "Prefix"]


# -- spelling ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "british,american",
    [
        ("labour", "labor"),
        ("labourers", "laborers"),
        ("colour", "color"),
        ("honourable", "honorable"),
        ("favourite", "favorite"),
        ("neighbourhood", "neighborhood"),
        ("organise", "organize"),
        ("organisation", "organization"),
        ("nationalised", "nationalized"),
        ("criticising", "criticizing"),
        ("analyse", "analyze"),
        ("centre", "center"),
        ("theatres", "theaters"),
        ("centred", "centered"),
        ("defence", "defense"),
        ("travelled", "traveled"),
        ("cancelling", "canceling"),
        ("programme", "program"),
        ("judgement", "judgment"),
        ("manoeuvre", "maneuver"),
    ],
)
def test_spelling_key_joins_variants(british: str, american: str) -> None:
    assert spelling_key(british) == spelling_key(american)


@pytest.mark.parametrize(
    "a,b",
    [
        ("four", "for"),
        ("hour", "hor"),
        ("filled", "filed"),
        ("fence", "fense"),
        ("rise", "rize"),
        ("more", "mor"),
    ],
)
def test_spelling_key_keeps_distinct_words_apart(a: str, b: str) -> None:
    assert spelling_key(a) != spelling_key(b)


def test_edit_distance() -> None:
    assert edit_distance("modern", "modern") == 0
    assert edit_distance("modern", "rnodern") == 2
    assert edit_distance("socialism", "socailism") == 1  # transposition costs one
    assert edit_distance("labour", "labor") == 1
    assert edit_distance("abc", "xyzxyz", limit=3) == 3


def test_deletes() -> None:
    assert deletes("abc", 1) == {"bc", "ac", "ab"}
    assert "a" in deletes("abc", 2) and "abc" not in deletes("abc", 2)


# -- highlighter -------------------------------------------------------------------------------------
def test_highlighter_marks_whole_words_folded() -> None:
    h = Highlighter(frozenset({"jaures", "labor"}))
    assert h.mark("Jaurès & the laborers <b>") == "<mark>Jaurès</mark> &amp; the laborers &lt;b&gt;"


def test_highlighter_phrase_prefix_and_joining() -> None:
    h = Highlighter(frozenset({"strike"}), ("organi",), ((frozenset({"labor", "labour"}), frozenset({"party"})),))
    text = "The Labour Party organised a strike; the labour movement, the party."
    # the phrase is marked only where whole; adjacent marked words join into one mark
    assert h.mark(text) == (
        "The <mark>Labour Party organised</mark> a <mark>strike</mark>; the labour movement, the party."
    )


def test_snippet_window_and_ellipses() -> None:
    text = " ".join(["filler"] * 80) + " the general strike began " + " ".join(["more"] * 80)
    s = Highlighter(frozenset({"strike"})).snippet(text, max_chars=120)
    assert s.startswith("…") and s.endswith("…") and "<mark>strike</mark>" in s
    assert len(s) < 160


def test_format_date() -> None:
    assert format_date(19480308) == "1948-03-08"
    assert format_date(19480300) == "1948-03"
    assert format_date(19480000) == "1948"
    assert format_date(None) is None


# -- property: any text gives results or a QueryError -----------------------------------------------
@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    ix = SearchIndex.open(tmp_path_factory.mktemp("q") / "index")
    for i, (title, text) in enumerate(
        [
            ("Independent Socialism", "The labour movement and Jaurès in France. Workers of the world."),
            ("Wages and the War", "The labor party must fight for the organization of labor."),
            ("The Permanent Revolution", "Trotsky wrote on the permanent revolution in 1929."),
        ]
    ):
        ix.add(
            Document(
                id=f"d/{i}",
                title=title,
                writers=("Max Shachtman",) if i % 2 else ("Leon Trotsky",),
                source=Source(periodical="Labor Action", date=f"194{i}-01-02"),
                blocks=(Block("paragraph", text),),
            )
        )
    ix.commit()
    yield ix
    ix.close()


_SYNTAX = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "-",
        "+",
        "*",
        ":",
        "AND",
        "OR",
        "NOT",
        "year:",
        "writer:",
        "title:",
        "..",
        " ",
        "\\",
        "~",
        "^",
    ]
)
_QUERY = st.lists(
    st.one_of(_SYNTAX, st.text(max_size=8), st.sampled_from(["labour", "jaures", "war", "1946", "perm*"])),
    max_size=12,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=_QUERY, sort=st.sampled_from(["relevance", "oldest", "newest"]))
def test_any_text_gives_results_or_query_error(small_index: SearchIndex, q: str, sort: str) -> None:
    try:
        res = small_index.search(q, sort=sort, limit=5)
    except QueryError as exc:
        msg = str(exc)
        assert msg and "\n" not in msg
        return
    assert res.total >= len(res.hits)
    for hit in res.hits:
        assert hit.doc_id.startswith("d/")
        for p in hit.passages:
            assert "<script" not in p.snippet
