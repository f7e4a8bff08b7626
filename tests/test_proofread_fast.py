"""The proofreader's fast paths give the answers of the slow ones, and the recall rules added with them
(case after ``the`` on archive evidence, common words the archive has met only in lower case, very
common real-word confusions at a higher margin) fire where they should and stay quiet where not."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.model import Block, Document
from masthead.proofread import Lexicon, proofread
from masthead.proofread.confusions import ocr_candidates, real_ocr_neighbours
from masthead.proofread.lexicon import base_resources, build_archive_model
from masthead.proofread.tokens import TOKEN, tokenize


def doc_of(*paras: str) -> Document:
    return Document(id="t", title="A Test", blocks=tuple(Block("paragraph", p) for p in paras))


def found(text: str, pass_name: str, **kw) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.text, f.suggestions) for f in proofread(doc_of(text), passes=[pass_name], **kw)]


# --- fast paths = slow paths --------------------------------------------------------------------

_CONFUSABLE = "abcdefhilmnorstuvw10"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CONFUSABLE, min_size=1, max_size=9))
def test_real_ocr_neighbours_is_ocr_candidates_among_real_words(word: str) -> None:
    real = base_resources().real
    assert real_ocr_neighbours(word, real) == {c: w for c, w in ocr_candidates(word) if c in real}


def test_ocr_index_answers_as_generation_does() -> None:
    lex = Lexicon()
    real = base_resources().real
    words = sorted(w for w in real if 3.0 <= lex.zipf(w) < 5.0)[::7] + ["bis", "modem", "hut", "clay", "bum", "fooling"]
    for w in words:
        zw = lex.zipf(w)
        slow = {c: x for c, x in real_ocr_neighbours(w, real).items() if lex.zipf(c) - zw >= 1.0}
        fast = {c: x for c, x in lex.ocr_neighbours(w, zw + 1.0).items() if lex.zipf(c) - zw >= 1.0}
        assert fast == slow, w
    assert "his" in lex.ocr_neighbours("bis", lex.zipf("bis") + 1.0)


def _reference_tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 \n\t.,'’“”\"-:?_é")), max_size=60))
def test_tokenize_finds_the_tokens_finditer_finds(text: str) -> None:
    toks = tokenize(text)
    assert list(zip(toks.starts, toks.ends, toks.texts, strict=True)) == _reference_tokens(text)
    assert all(text[s:e] == t for s, e, t in zip(toks.starts, toks.ends, toks.texts, strict=True))


def test_tokenize_sentence_starts_lines_and_quotes() -> None:
    text = "the cat sat. a dog\nran “so fast” too"
    toks = tokenize(text)
    starts = {t for t, i in zip(toks.texts, toks.initial, strict=True) if i}
    assert starts == {"the", "a", "ran"}
    quoted = [t for t, q in zip(toks.texts, toks.quoted, strict=True) if q and re.match(r"\w", t)]
    assert quoted == ["so", "fast"]


# --- recall rules -------------------------------------------------------------------------------


def test_case_common_word_the_archive_met_only_in_lower_case() -> None:
    archive = build_archive_model(
        doc_of(f"The coal and metal trades {i}.", f"He works with metal and wood {i}.") for i in range(2)
    )
    text = "It engendered the coal and Metal miners of the north."
    assert found(text, "case", lexicon=Lexicon(archive)) == [("Metal", ("metal",))]
    assert found(text, "case") == []  # no archive evidence: a capital may be meant


def test_case_quiet_on_a_word_the_archive_capitalises() -> None:
    archive = build_archive_model(doc_of(f"They went on Monday and saw the metal {i}.") for i in range(3))
    assert found("They came on a Monday and went home.", "case", lexicon=Lexicon(archive)) == []


def test_case_after_the_needs_strong_archive_evidence() -> None:
    archive = build_archive_model(
        doc_of(f"The leadership of the party {i} and its leadership.", f"A new leadership came {i}.") for i in range(4)
    )
    text = "Granted, the Leadership reflects the level of the members."
    assert found(text, "case", lexicon=Lexicon(archive)) == [("Leadership", ("leadership",))]
    assert found(text, "case") == []  # "the Master", "the Express": a name or a personification
    few = build_archive_model([doc_of("The leadership of the party and its leadership.")])
    assert found(text, "case", lexicon=Lexicon(few)) == []


def test_very_common_confusions_win_by_a_wider_margin() -> None:
    assert found("We must not forget that there are thousands or our brothers in the mills.", "real-word") == [
        ("or", ("of",))
    ]
    assert found("He said that it did not propose too realise Socialism at once.", "real-word") == [("too", ("to",))]
    # both words fit: adjacent words cannot tell "pride or honour" from "pride of honour"
    assert (
        found("It was a question of pride or honour, of freedom or mobility, of sense or nonsense.", "real-word") == []
    )


def test_case_function_word_after_a_name() -> None:
    text = "He issued a challenge to the Lord Mayor of Dublin For a contest with him."
    assert found(text, "case") == [("For", ("for",))]
    # a title goes on in capitals; a month or modal may be a name
    assert found("He read the Bank Of England report and the Workers Of The World paper.", "case") == []
    assert found("He came to Dublin May last and left.", "case") == []
