"""Seeded error injection for ``bench/proofread_eval.py``: corrupt a clean document with the errors
transcriptions really carry, and record where each one is.

Word-level errors are edits of the view text (so they land inside one block each); structural ones
change the blocks (a note deleted, a paragraph cut short, an announced list dropped) before the word
edits. Every injection records its span in the corrupted view text and the original text of that
span, so that a suggestion can be checked by undoing it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from masthead.model import Document
from masthead.proofread.confusions import OCR, word_confusions
from masthead.proofread.lexicon import Lexicon
from masthead.proofread.tokens import PUNCT, WORD, tokenize, view_pieces
from masthead.textview import apply_edits, text_view

KIND_MIX = (
    ("ocr", "non-word", 20),
    ("typo", "non-word", 5),
    ("split", "non-word", 4),
    ("joined", "non-word", 3),
    ("hyphen", "non-word", 3),
    ("real-word", "real-word", 20),
    ("capital", "case", 10),
    ("lower-start", "case", 5),
    ("comma", "punctuation", 5),
    ("full-stop", "punctuation", 5),
    ("doubled", "punctuation", 4),
    ("repeat", "punctuation", 5),
    ("unbalanced", "punctuation", 3),
)
STRUCTURE_SHARE = 0.08
_DETS = ("the", "a", "an", "this", "their", "our", "its", "his")


@dataclass
class Injection:
    kind: str
    sub: str
    start: int
    end: int
    original: str
    fixable: bool = True


def _ocr(w: str, rng: random.Random, lex: Lexicon) -> str | None:
    opts = [(r, s, wt) for r, s, wt in OCR if r in w and not (s.isalpha() and s.isupper())]
    rng.shuffle(opts)
    for right, seen, _ in sorted(opts, key=lambda o: -o[2] * rng.random()):
        idx = [i for i in range(len(w)) if w.startswith(right, i)]
        i = rng.choice(idx)
        out = w[:i] + seen + w[i + len(right) :]
        if not lex.is_word(out.lower()):
            return out
    return None


def _typo(w: str, rng: random.Random, lex: Lexicon) -> str | None:
    for _ in range(6):
        i = rng.randrange(1, len(w))
        op = rng.choice("dtri")
        if op == "d":
            out = w[:i] + w[i + 1 :]
        elif op == "t" and i + 1 < len(w):
            out = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        elif op == "r":
            out = w[:i] + rng.choice("etaoinshrdlu") + w[i + 1 :]
        else:
            out = w[:i] + rng.choice("etaoinshrdlu") + w[i:]
        if out != w and not lex.is_word(out.lower()):
            return out
    return None


def _real(w: str, rng: random.Random, lex: Lexicon) -> str | None:
    lw = w.lower()
    opts = [c for c in word_confusions().get(lw, ()) if "'" not in c]
    for right, seen, _ in OCR:
        if right in lw and not seen.isupper():
            i = lw.find(right)
            c = lw[:i] + seen + lw[i + len(right) :]
            if lex.is_word(c) and len(c) > 1:
                opts.append(c)
    if not opts:
        return None
    c = rng.choice(opts)
    return c[:1].upper() + c[1:] if w[:1].isupper() else c


def _structure(doc: Document, rng: random.Random) -> tuple[Document, str, int] | None:
    """One structural error: the new document, its sub-kind, and the block index (or -1 for a note)."""
    options = []
    if doc.notes and any(m.kind == "noteref" for b in doc.blocks for m in b.marks):
        options.append("orphan")
    blocks = doc.blocks
    for i, b in enumerate(blocks[:-1]):
        if b.kind == "paragraph" and len(b.text.split()) > 25 and blocks[i + 1].kind in ("heading", "section_break"):
            options.append(("cut", i))
        if b.kind == "paragraph" and b.text.rstrip().endswith(":") and i + 1 < len(blocks):
            after = blocks[i + 2] if i + 2 < len(blocks) else None
            if after is None or after.kind in ("heading", "section_break"):
                options.append(("announce", i))
    if not options:
        return None
    pick = rng.choice(options)
    if pick == "orphan":
        refs = {m.target for b in doc.blocks for m in b.marks if m.kind == "noteref"}
        notes = [n for n in doc.notes if n.id in refs]
        if not notes:
            return None
        gone = rng.choice(notes)
        return doc.replace(notes=tuple(n for n in doc.notes if n is not gone)), "orphan", -1
    sub, i = pick
    if sub == "cut":
        b = blocks[i]
        words = b.text.split(" ")
        keep = rng.randrange(len(words) // 2, len(words) - 3)
        text = " ".join(words[:keep]).rstrip(",;:.!?")
        if not text or not text.split()[-1].isalpha():
            return None
        nb = replace(b, text=text, marks=tuple(m for m in b.marks if m.end <= len(text)))
        return doc.replace(blocks=blocks[:i] + (nb,) + blocks[i + 1 :]), "cut", i
    return doc.replace(blocks=blocks[: i + 1] + blocks[i + 2 :]), "announce", i


def inject(doc: Document, rng: random.Random, lex: Lexicon, rate: float) -> tuple[Document, list[Injection]]:
    """``doc`` with about ``rate`` errors per 1,000 words, and where they are in the new view text."""
    view = text_view(doc)
    words = len(view.text.split())
    n = int(rate * words / 1000.0 + rng.random())
    struct_spans: list[tuple[str, int]] = []
    if n and rng.random() < STRUCTURE_SHARE * n:
        got = _structure(doc, rng)
        if got is not None:
            doc, sub, bi = got
            struct_spans.append((sub, bi))
            n -= 1
    view = text_view(doc)
    text = view.text
    toks = tokenize(text, view_pieces(view.segments))
    kinds = [s.kind for s in view.segments]
    protected: list[tuple[int, int]] = []
    out: list[Injection] = []
    for sub, bi in struct_spans:
        if sub == "orphan":
            ids = {nn.id for nn in doc.notes}
            for seg in view.segments:
                if seg.path[0] != "block" or len(seg.path) != 2:
                    continue
                for m in doc.blocks[seg.path[1]].marks:
                    if m.kind == "noteref" and m.target not in ids:
                        a = max(seg.start, seg.start + m.start - 12)
                        protected.append((a, seg.start + m.start))
                        out.append(Injection("structure", sub, a, seg.start + m.start, "", False))
        else:
            seg = next(s for s in view.segments if s.path == ("block", bi))
            a = max(seg.start, seg.end - 12)
            protected.append((a, seg.end))
            out.append(Injection("structure", sub, a, seg.end, "", False))
    edits: list[tuple[int, int, str, str, str, str, bool]] = []
    used: set[int] = set()
    total = sum(w for _, _, w in KIND_MIX)
    attempts = 0
    while len(edits) < n and attempts < 60 * max(1, n):
        attempts += 1
        r = rng.uniform(0, total)
        for sub, kind, w in KIND_MIX:  # noqa: B007 - used after the loop
            r -= w
            if r <= 0:
                break
        i = rng.randrange(len(toks.types)) if toks.types else 0
        if not toks.types or any(j in used for j in range(i - 2, i + 3)):
            continue
        s, e, t = toks.starts[i], toks.ends[i], toks.texts[i]
        if kinds[toks.piece[i]] not in ("paragraph", "item") or any(a <= e and s <= b for a, b in protected):
            continue
        if toks.quoted[i]:
            continue
        is_word = toks.types[i] == WORD and t.isalpha()
        nxt_ok = i + 1 < len(toks.types) and toks.piece[i + 1] == toks.piece[i]
        gap = text[e : toks.starts[i + 1]] if nxt_ok else ""
        edit = None
        if sub in ("ocr", "typo", "real-word", "hyphen", "split") and is_word and (t.islower() or toks.initial[i]):
            if sub == "ocr" and len(t) >= 3:
                new = _ocr(t, rng, lex)
                edit = (s, e, new, t) if new else None
            elif sub == "typo" and len(t) >= 4:
                new = _typo(t, rng, lex)
                edit = (s, e, new, t) if new else None
            elif sub == "real-word":
                new = _real(t, rng, lex)
                edit = (s, e, new, t) if new else None
            elif sub == "hyphen" and len(t) >= 7 and t.islower():
                k = rng.randrange(3, len(t) - 3)
                edit = (s, e, f"{t[:k]}- {t[k:]}", t)
            elif sub == "split" and len(t) >= 3:
                k = rng.randrange(1, len(t) - 1)
                if not lex.is_word(t[:k].lower()) or not lex.is_word(t[k:].lower()):
                    edit = (s, e, f"{t[:k]} {t[k:]}", t)
        elif sub == "joined" and is_word and nxt_ok and gap == " " and toks.types[i + 1] == WORD:
            a2 = toks.texts[i + 1]
            if t.islower() and a2.islower() and a2.isalpha() and not lex.is_word((t + a2).lower()):
                edit = (s, toks.ends[i + 1], t + a2, text[s : toks.ends[i + 1]])
        elif sub == "capital" and is_word and t.islower() and not toks.initial[i] and len(t) > 2:
            if i > 0 and toks.types[i - 1] == WORD and nxt_ok and toks.types[i + 1] == WORD:
                edit = (s, e, t[0].upper() + t[1:], t)
        elif (
            sub == "lower-start" and is_word and toks.initial[i] and t.istitle() and i > 0 and toks.texts[i - 1] == "."
        ):
            if lex.is_word(t.lower()) and lex.zipf(t.lower()) > 4.5 and text[toks.ends[i - 1] : s] == " ":
                edit = (s, e, t.lower(), t)
        elif sub == "comma" and is_word and t.islower() and nxt_ok and gap == " " and toks.types[i + 1] == WORD:
            if toks.texts[i + 1].islower() and (t in _DETS or i > 0 and toks.lowers[i - 1] in _DETS):
                edit = (s, e, t + ",", t)
        elif sub == "full-stop" and is_word and t.islower() and nxt_ok and gap == " " and toks.types[i + 1] == WORD:
            if toks.texts[i + 1].islower() and not toks.initial[i] and len(t) > 2:
                edit = (s, e, t + ".", t)
        elif sub == "doubled" and toks.types[i] == PUNCT and t in ",;":
            edit = (s, e, t + t, t)
        elif sub == "repeat" and is_word and t.islower() and nxt_ok and gap == " ":
            edit = (s, e, f"{t} {t}", t)
        elif sub == "unbalanced" and toks.types[i] == PUNCT and t in ")”":
            opener = "(" if t == ")" else "“"
            j = i - 1
            while j >= 0 and toks.piece[j] == toks.piece[i] and toks.texts[j] != opener:
                j -= 1
            if j >= 0 and toks.piece[j] == toks.piece[i]:
                edits.append((toks.starts[j], e, text[toks.starts[j] : s], text[toks.starts[j] : e], kind, sub, False))
                used.update(range(j, i + 1))
                continue
        if edit is None or edit[2] == edit[3]:
            continue
        edits.append((edit[0], edit[1], edit[2], edit[3], kind, sub, True))
        used.add(i)
    # apply word edits and compute spans in the corrupted text
    edits.sort()
    clean = []
    last = -1
    for ed in edits:
        if ed[0] >= last:
            clean.append(ed)
            last = ed[1]
    new_doc = apply_edits(doc, [(a, b, r) for a, b, r, *_ in clean])
    shift = 0
    shifts = []
    for a, b, r, orig, kind, sub, fix in clean:
        ns = a + shift
        out.append(Injection(kind, sub, ns, ns + len(r), orig, fix))
        shift += len(r) - (b - a)
        shifts.append((b, shift))
    for inj in out:
        if inj.kind == "structure":
            delta = 0
            for b, sh in shifts:
                if b <= inj.start:
                    delta = sh
            inj.start += delta
            inj.end += delta
    return new_doc, out
