"""The proofreader's passes, one by one, on sentences written for them: what they must find and what
they must leave alone (names, jargon, capitals for emphasis, quoted speech)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.model import Block, Document, Mark, Note
from masthead.proofread import PASSES, Lexicon, proofread
from masthead.proofread.lexicon import ArchiveModel, build_archive_model, lexicon_path_for, load_lexicon
from masthead.textview import text_view


def doc_of(*paras: str, blocks: tuple[Block, ...] = (), notes: tuple[Note, ...] = ()) -> Document:
    return Document(id="t", title="A Test", blocks=tuple(Block("paragraph", p) for p in paras) + blocks, notes=notes)


def found(text: str, pass_name: str | None = None, **kw) -> list[tuple[str, str, tuple[str, ...]]]:
    fs = proofread(doc_of(text), passes=[pass_name] if pass_name else None, **kw)
    return [(f.text, f.kind, f.suggestions) for f in fs]


# --- non-word ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "bad", "fix"),
    [
        ("They did so wbich was the plan of the party.", "wbich", "which"),
        ("When tbe workers came out the police were waiting.", "tbe", "the"),
        ("We bave said this many times before.", "bave", "have"),
        ("It was a patcb of land in the rniddle of the field.", "rniddle", "middle"),
        ("The c1ass struggle goes on.", "c1ass", "class"),
    ],
)
def test_nonword_ocr_confusions(sentence: str, bad: str, fix: str) -> None:
    hits = [h for h in found(sentence, "non-word") if h[0] == bad]
    assert hits and hits[0][1] == "non-word" and hits[0][2][0] == fix


def test_nonword_leaves_names_jargon_and_emphasis_alone() -> None:
    text = (
        "The Shachtmanite and Lovestoneite groups met Schuschnigg and Thorez in Czechoslovakia; "
        "it IS a fact that the Stalinists DO expropriate, said Benes."
    )
    assert found(text, "non-word") == []


def test_nonword_quiet_in_foreign_blocks() -> None:
    assert found("Debout les damnés de la terre, debout les forçats de la faim, la raison tonne.", "non-word") == []


def test_split_and_joined_words() -> None:
    assert ("T he", "non-word", ("The",)) in found("T he party met in the hall of the town.", "split-word")
    assert found("The govern ment fell last week.", "split-word")[0][2] == ("government",)
    assert found("It was the end ofthe matter.", "split-word")[0][2] == ("of the",)
    assert found("A part of the workless class went apart.", "split-word") == []


def test_hyphenation_artefact() -> None:
    assert found("The govern- ment fell.", "hyphenation")[0][2] == ("government",)
    assert found("A well-known co-operation of self-deception to-day.", "hyphenation") == []


# --- real-word ----------------------------------------------------------------------------------


def test_real_word_confusions() -> None:
    assert found("We have no yet seen the response of the parties.", "real-word")[0][:2] == ("no", "real-word")
    assert found("Stalin has merely consolidated bis power in those countries.", "real-word")[0][2][0] == "his"
    assert found("This is more important then the other thing.", "real-word")[0][2][0] == "than"


def test_real_word_quiet_on_right_text() -> None:
    text = (
        "We have not yet seen the response. Stalin consolidated his power. It is better than that. "
        "What is your attitude toward nationalization per se? National pride or honour."
    )
    assert found(text, "real-word") == []


# --- case ---------------------------------------------------------------------------------------


def test_case_capital_in_mid_sentence() -> None:
    hits = found("It denounces capitalism, for It knows that the workers will never rise.", "case")
    assert [h[0] for h in hits] == ["It"]
    assert found("neither simply part of a vague, nameless, Unidentifiable terror such as this", "case")[0][0] == (
        "Unidentifiable"
    )


def test_case_quiet_on_names_titles_quotes_and_emphasis() -> None:
    text = (
        "He joined the Socialist Party of America and read the Communist Manifesto in Dublin. "
        'He said: "Go home." It IS a fact.'
    )
    assert found(text, "case") == []


def test_case_learns_capitals_from_the_archive() -> None:
    # "Parliament" is capitalised across the archive, "preface" is not
    archive = build_archive_model(
        doc_of(f"They went to Parliament and wrote a preface to book {i}.", f"The preface was long {i}.")
        for i in range(8)
    )
    lex = Lexicon(archive)
    assert found("The members of Parliament read the long Preface to it.", "case", lexicon=lex) == [
        ("Preface", "case", ("preface",))
    ]


def test_lowercase_sentence_start_and_stray_full_stop() -> None:
    hits = found("We oppose it in that situation. we would protest.", "lowercase-start")
    assert hits[0][:2] == ("situation. we", "case") and hits[0][2][0] == "situation. We"
    hits = found("They represent parallel, but different. aspects of the decline.", "stray-full-stop")
    assert hits and hits[0][0] == "different. aspects" and hits[0][2][0] == "different aspects"
    assert found("Indeed, with local colours changed, and. on a scale", "stray-full-stop")[0][1] == "punctuation"
    assert found("See p. 4 and vol. ii, etc. and viz. the rest.") == []


# --- punctuation --------------------------------------------------------------------------------


def test_punctuation_passes() -> None:
    assert found("This is the the answer.", "repeated-word")[0][2] == ("the",)
    assert found("Yes,, and no.", "doubled-punctuation")[0][0] == ",,"
    assert found("the masses. – those who will come out", "doubled-punctuation")[0][0] == ". –"
    assert found("See the Acts, etc., and the rest... of it.", "doubled-punctuation") == []
    assert found("The, party met the working class.", "stray-comma")[0][0] == "The,"
    assert found("He said (as always that it was so.", "unbalanced")[0][0] == "("
    assert found("He said (as always) that “it was so”.", "unbalanced") == []


def test_multi_paragraph_quotation_is_balanced() -> None:
    d = doc_of("“The first paragraph of a long quotation.", "“The second one, which closes it.”")
    assert proofread(d, passes=["unbalanced"]) == []


# --- structure ----------------------------------------------------------------------------------


def test_structure_passes() -> None:
    heading = Block("heading", "Next Part", level=4)
    d = doc_of("I only want to ask a few questions which arise from recent experience:", blocks=(heading,))
    assert [f.rule for f in proofread(d, passes=["announced-missing"])] == ["announced-missing"]
    ref = Block("paragraph", "As Marx said in the preface.", marks=(Mark(28, 28, "noteref", target="9", label="9"),))
    d = doc_of(blocks=(ref,))
    fs = proofread(d, passes=["orphan-noteref"])
    assert fs and fs[0].text == "preface." and "9" in fs[0].message
    d = doc_of(blocks=(ref,), notes=(Note("9", "9", (Block("paragraph", "The note."),)),))
    assert proofread(d, passes=["orphan-noteref"]) == []
    d = doc_of("1. The first demand.", "2. The second demand.", "4. The fourth demand.")
    assert [f.text for f in proofread(d, passes=["numbering-gap"])] == ["4"]
    cut = "The workers of the town, who had waited for many years for their turn, went out on strike and the"
    assert proofread(doc_of(cut, blocks=(heading,)), passes=["cut-off"])[0].text == "the"


def test_labor_action_article(labor_action) -> None:  # noqa: ANN001
    from masthead.ingest import parse_file

    fs = proofread(parse_file(labor_action).document)
    texts = {f.text for f in fs}
    # real errors of the published transcription that a non-word check misses
    assert {"tbe", "bis", "no", "It", "different. aspects", "situation. we"} <= texts
    assert len(fs) <= 12


# --- the API ------------------------------------------------------------------------------------


def test_findings_are_well_formed_and_filterable() -> None:
    d = doc_of("When tbe workers came out, It was the the end.")
    view = text_view(d)
    fs = proofread(d)
    assert fs == sorted(fs, key=lambda f: (f.start, f.end, f.kind))
    for f in fs:
        assert view.text[f.start : f.end] == f.text
        assert (f.line, f.col) == view.line_col(f.start)
        assert 0 < f.confidence < 1 and f.key
    assert proofread(d, ignore_keys={fs[0].key}) == fs[1:]
    assert all(f.confidence >= 0.86 for f in proofread(d, min_confidence=0.86))
    with pytest.raises(ValueError, match="unknown proofreading pass"):
        proofread(d, passes=["nope"])
    assert set(PASSES) >= {"non-word", "real-word", "case", "stray-comma", "orphan-noteref"}


def test_lexicon_round_trip(tmp_path) -> None:  # noqa: ANN001
    model = build_archive_model([doc_of("The Shachtmanite group met. The group met again.")])
    path = lexicon_path_for(str(tmp_path / "a.db"))
    assert path.name == "a.db.lexicon"
    model.save(path)
    back = ArchiveModel.load(path)
    assert back == model and back.doc_freq("shachtmanite") == 1 and back.count("group") == 2
    assert load_lexicon(path).archive_known("shachtmanite", min_docs=1)
    path.write_text("not gzip")
    from masthead.proofread.lexicon import LexiconError

    with pytest.raises(LexiconError, match="not a readable lexicon"):
        load_lexicon(path)


def test_archive_vocabulary_silences_a_word() -> None:
    text = "The wbich group met."
    assert found(text, "non-word")
    lex = Lexicon(build_archive_model(doc_of(f"The wbich group met in hall {i}.") for i in range(3)))
    assert found(text, "non-word", lexicon=lex) == []


_texts = st.lists(
    st.sampled_from(list("abhlmnrst TIW.,;:!?-–“”\"'()\n1") + ["the ", "tbe ", "wbich ", ". we ", "the the "]),
    max_size=80,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_texts, min_size=1, max_size=3))
def test_never_crashes_offsets_valid_idempotent(paras: list[str]) -> None:
    d = doc_of(*[p for p in paras if p.strip()] or ["x"])
    view = text_view(d)
    first = proofread(d)
    for f in first:
        assert view.text[f.start : f.end] == f.text
        assert f.kind in ("non-word", "real-word", "case", "punctuation", "structure")
    assert proofread(d) == first


def test_quiet_on_initials_references_titles_and_foreign_repeats() -> None:
    assert found("Lyrics by A. Kots and L. Storr Jameson, who wrote them.") == []
    assert found("See the argument in particularly Part 2 of the book.", "case") == []
    italic = Block(
        "paragraph", "He cited his Historical description of Commerce at length.", marks=(Mark(12, 34, "emphasis"),)
    )
    assert proofread(doc_of(blocks=(italic,)), passes=["case"]) == []
    assert found("Producteurs, sauvons-nous nous-mêmes! Décrétons le salut commun, nous voulons", "repeated-word") == []
    assert found("an I.L.P.-er for whom the S.D.F. was too moderate", "real-word") == []


def test_a_text_does_not_vouch_for_itself() -> None:
    # the archive holds this very document: its own "bis power" must not make the error look right
    d = doc_of("Stalin has merely consolidated bis power in those countries.")
    lex = Lexicon(build_archive_model([d]))
    assert [f.text for f in proofread(d, lexicon=lex, passes=["real-word"])] == ["bis"]
