"""Source citations and transcription credits, as ETOL and the MIA write them.

:func:`parse_citation` turns a citation line ("From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4.")
into a :class:`~masthead.model.Source`; :func:`format_citation` writes the canonical ETOL form back, and
``parse_citation(format_citation(s))`` gives the same fields. :func:`parse_credits` turns credit lines
("Transcribed & marked up by Einde O’Callaghan for the ETOL.") into :class:`~masthead.model.Credit`
objects. :func:`is_citation_line` and :func:`is_credit_line` classify front-matter lines for readers.

Both parsers accept plain text or Markdown (emphasis markers, ``[links](url)``, ``{attrs}`` and
backslash escapes are stripped; in a citation, **bold** marks the periodical). The parsers work by
finding each component (volume, issue, pages, date, season) with a small regex, blanking what was
found, and taking the periodical from what precedes the first component.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

from masthead.model import Credit, Source

__all__ = [
    "CitationError",
    "parse_citation",
    "format_citation",
    "parse_credits",
    "format_credits",
    "is_citation_line",
    "is_credit_line",
    "citation_from_line",
    "credits_from_line",
    "find_date",
    "DateMatch",
]


class CitationError(ValueError):
    """A citation that cannot be understood; the message says which part and why."""


# -- Markdown clean-up -------------------------------------------------------------------------------
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")
_MD_ATTRS = re.compile(r"\{[#.:\w=\"' -]*\}")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"&])")
_MD_STARS = re.compile(r"(\*+)")


def _strip_markdown(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without Markdown syntax, and the (start, end) spans that were **bold**."""
    if "[" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "{" in text:
        text = _MD_ATTRS.sub("", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
        text = text.replace("\\\n", "\n").rstrip("\\")
    if "*" not in text:
        return text, []
    out: list[str] = []
    bold_spans: list[tuple[int, int]] = []
    pos = 0
    bold_start: int | None = None
    for i, piece in enumerate(_MD_STARS.split(text)):
        if i % 2 == 0:
            out.append(piece)
            pos += len(piece)
            continue
        if len(piece) >= 2:  # ** or *** toggles bold (*** also toggles italic, which we drop)
            if bold_start is None:
                bold_start = pos
            else:
                bold_spans.append((bold_start, pos))
                bold_start = None
    return "".join(out), bold_spans


_SPACES = re.compile(r"\s+")
_APOSTROPHE = re.compile(r"['’]")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# -- numbers -----------------------------------------------------------------------------------------
_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_to_int(numeral: str) -> int:
    """``"XII"`` -> 12; raises :class:`CitationError` for anything that is not a valid numeral."""
    s = numeral.upper()
    if not s or not _ROMAN.match(s):
        raise CitationError(f"{numeral!r} is not a number or a Roman numeral")
    total = 0
    for ch, nxt in zip(s, s[1:] + " ", strict=True):
        v = _ROMAN_VALUES[ch]
        total += -v if nxt != " " and _ROMAN_VALUES[nxt] > v else v
    return total


def _number(token: str, what: str) -> int:
    if token.isdigit():
        return int(token)
    try:
        return roman_to_int(token)
    except CitationError:
        raise CitationError(f"{what} {token!r} is not a number or a Roman numeral") from None


# -- dates -------------------------------------------------------------------------------------------
MONTHS = "January February March April May June July August September October November December".split()
_MONTH_ALIASES = {m.lower(): i + 1 for i, m in enumerate(MONTHS)}
_MONTH_ALIASES.update({m[:3].lower(): i + 1 for i, m in enumerate(MONTHS)})
_MONTH_ALIASES["sept"] = 9
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_YEAR_RE = r"(?P<year>1[5-9]\d\d|20\d\d)(?!\d)"
_DAY_RE = r"(?<![\d.])(?P<day>\d{1,2})(?:st|nd|rd|th)?"
SEASONS = ("Spring", "Summer", "Fall", "Autumn", "Winter")
_SEASON_WORD = r"(?:Spring|Summer|Fall|Autumn|Winter)"

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dmy", re.compile(rf"{_DAY_RE}\s+{_MONTH_RE},?\s+{_YEAR_RE}")),
    ("mdy", re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}")),
    (
        "season",
        re.compile(rf"\b(?P<season>{_SEASON_WORD}(?:\s*[-–/]\s*{_SEASON_WORD})?),?\s+{_YEAR_RE}"),
    ),
    ("my", re.compile(rf"\b{_MONTH_RE},?\s+{_YEAR_RE}")),
    ("y", re.compile(rf"(?<![\d.,])\b{_YEAR_RE}")),
)


_ANY_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in text: ISO ``date`` at its precision, ``season`` if any, and the span."""

    date: str
    season: str | None
    start: int
    end: int


def find_date(text: str) -> DateMatch | None:
    """The most precise date in ``text`` ("8 March 1948" -> ``1948-03-08``; "Fall 1959" -> ``1959``).

    Raises :class:`CitationError` for a date that cannot exist ("31 February 1948").
    """
    if not _ANY_YEAR.search(text):
        return None
    for kind, pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        year = int(m.group("year"))
        if kind == "y":
            return DateMatch(f"{year:04d}", None, m.start(), m.end())
        if kind == "season":
            parts = re.split(r"\s*[-–/]\s*", m.group("season"))
            return DateMatch(f"{year:04d}", "-".join(parts), m.start(), m.end())
        month = _MONTH_ALIASES[m.group("month").lower()]
        if kind == "my":
            return DateMatch(f"{year:04d}-{month:02d}", None, m.start(), m.end())
        day = int(m.group("day"))
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise CitationError(f"impossible date {m.group(0)!r}") from None
        return DateMatch(f"{year:04d}-{month:02d}-{day:02d}", None, m.start(), m.end())
    return None


def format_date(date: str, season: str | None = None) -> str:
    """ISO date at any precision -> ETOL form: ``8 March 1948``, ``March 1948``, ``Fall 1959``."""
    parts = date.split("-")
    if season:
        return f"{season} {parts[0]}"
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


# -- citation components -----------------------------------------------------------------------------
_VOLUME = re.compile(r"\b(?:Vol|Volume|VOL)\b\.?\s*(?P<n>\d+|[IVXLCDMivxlcdm]+)\b")
_WHOLE = re.compile(r"\bWhole\s+(?:No|Number)\b\.?\s*(?P<n>\d+)")
_ISSUE = re.compile(r"\b(?P<word>Nos|No|Numbers|Number|Nr|Issue)\b\.?\s*(?P<n>\d+)(?:\s*(?:[-–/&]|and)\s*(?P<n2>\d+))?")
_PAGES = re.compile(r"(?<!\w)(?:pp?\.|pages?\b|pgs?\.)\s*(?P<a>\d+)(?:\s*(?:[-–—]|to)\s*(?P<b>\d+))?")
_LEAD = re.compile(
    r"^(?:from|source:|in|(?:first|originally|later)?\s*(?:published|printed|reprinted|republished)"
    r"(?:\s+(?:in|as))?)(?:\s+|$)",
    re.IGNORECASE,
)
_NAME_PARTICLES = frozenset(
    "of the and for de la le les des du di del der die das und in on to a an & y et el al och og".split()
)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + "\x00" * (end - start) + text[end:]


def _pages(m: re.Match[str]) -> tuple[int, int]:
    a, b = m.group("a"), m.group("b")
    start = int(a)
    if b is None:
        return start, start
    end = int(b)
    if end < start and len(b) < len(a):  # "pp. 102-6" means 102-106
        end = int(a[: len(a) - len(b)] + b)
    if end < start:
        raise CitationError(f"page range {m.group(0).strip()!r} runs backwards")
    return start, end


def _periodical_from(prefix: str) -> str | None:
    """The periodical: the last comma-separated segment of what precedes the first component."""
    segments = [s.strip(" \t\x00,;:–-") for s in prefix.split(",")]
    segments = [s for s in segments if s]
    if not segments:
        return None
    name = _LEAD.sub("", segments[-1]).strip()
    if name[:1] in "\"“‘'([" and len(name) > 1:  # drop enclosing quotes or brackets, not an apostrophe
        name = name[1:].rstrip("\"”’')]").strip()
    return name if name and _name_like(name) else None


def parse_citation(text: str) -> Source:
    """Parse a citation line into a :class:`Source`.

    Understands periodical, ``Vol.`` (Arabic or Roman), ``No.``/``Nos. 3-4``/``Whole No.``, dates at
    day, month, season or year precision, and ``p.``/``pp.`` page ranges. Raises :class:`CitationError`
    for impossible dates, backwards page ranges, bad numerals, or text with no citation in it.
    """
    raw = _clean(text)
    plain, bold = _strip_markdown(raw)
    plain = plain.replace("\u00a0", " ")
    work = plain
    volume = issue = None
    issue_label: str | None = None
    page_start = page_end = None
    first = len(work)

    if m := _VOLUME.search(work):
        volume = _number(m.group("n"), "volume")
        first = min(first, m.start())
        work = _blank(work, m.start(), m.end())
    if m := _WHOLE.search(work):
        issue_label = _clean(m.group(0))
        first = min(first, m.start())
        work = _blank(work, m.start(), m.end())
    if m := _ISSUE.search(work):
        issue = int(m.group("n"))
        if m.group("n2") is not None:
            if int(m.group("n2")) <= issue:
                raise CitationError(f"issue range {m.group(0).strip()!r} runs backwards")
            issue_label = _clean(m.group(0)) + (f", {issue_label}" if issue_label else "")
        first = min(first, m.start())
        work = _blank(work, m.start(), m.end())
    if m := _PAGES.search(work):
        page_start, page_end = _pages(m)
        first = min(first, m.start())
        work = _blank(work, m.start(), m.end())
    found = find_date(work)
    if found:
        first = min(first, found.start)
    if volume is None and issue is None and issue_label is None and page_start is None and not found:
        raise CitationError(f"no periodical, date or page found in {raw[:80]!r}")

    bold_before = [(s, e) for s, e in bold if e <= first and plain[s:e].strip()]
    if bold_before:
        s, e = bold_before[-1]
        periodical = _clean(plain[s:e]).strip(" ,.;:") or None
    else:
        periodical = _periodical_from(plain[:first])
    return Source(
        periodical=periodical,
        volume=volume,
        issue=issue,
        issue_label=issue_label,
        date=found.date if found else None,
        season=found.season if found else None,
        page_start=page_start,
        page_end=page_end,
        raw=raw,
    )


def format_citation(src: Source) -> str:
    """The canonical ETOL form: ``Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4``."""
    parts: list[str] = []
    if src.periodical:
        parts.append(src.periodical)
    numbering: list[str] = []
    if src.volume is not None:
        numbering.append(f"Vol. {src.volume}")
    label_has_issue = False
    if src.issue_label:
        m = _ISSUE.search(_WHOLE.sub("", src.issue_label))
        label_has_issue = bool(m and src.issue is not None and int(m.group("n")) == src.issue)
    if label_has_issue:
        numbering.append(src.issue_label or "")
    elif src.issue is not None:
        numbering.append(f"No. {src.issue}")
    if numbering:
        parts.append(" ".join(numbering))
    if src.issue_label and not label_has_issue:
        parts.append(src.issue_label)
    if src.date:
        parts.append(format_date(src.date, src.season))
    if src.page_start is not None:
        if src.page_end is None or src.page_end == src.page_start:
            parts.append(f"p. {src.page_start}")
        else:
            parts.append(f"pp. {src.page_start}–{src.page_end}")
    return ", ".join(parts)


def _name_like(name: str, *, max_words: int = 10) -> bool:
    """A proper name: capitalised words joined by lower-case particles ("Bulletin of the IWW")."""
    words = name.split()
    if not words or len(words) > max_words or not words[0][:1].isupper():
        return False
    for w in words:
        core = w.strip("\"“”‘’'()[].,")
        if not core or core.lower() in _NAME_PARTICLES:
            continue
        if not core[:1].isupper() and ("’" in core or "'" in core):  # l’Humanité, d'Italia
            core = _APOSTROPHE.split(core, maxsplit=1)[-1] or core
        if not (core[:1].isupper() or core[:1].isdigit()):
            return False
    return True


def citation_from_line(text: str) -> Source | None:
    """The :class:`Source` when a line is a citation (see :func:`is_citation_line`), else None."""
    if not _HAS_DIGIT.search(text):
        return None
    plain = _clean(text)
    if not plain or len(plain) > 300 or _ROLE_PREFIX.match(plain):
        return None
    try:
        src = parse_citation(plain)
    except CitationError:
        return None
    numbered = src.volume is not None or src.issue is not None
    if not src.periodical:
        return src if numbered and src.date else None
    has_numbers = numbered or src.page_start is not None
    stripped = _strip_markdown(plain)[0].lstrip()
    led = bool(_LEAD.match(stripped)) and not stripped.lower().startswith("in ")
    if has_numbers or led or (src.date and "," in plain and len(plain.split()) <= 16):
        return src
    return None


def is_citation_line(text: str) -> bool:
    """True when a front-matter line is a source citation: a named periodical with a date or numbers
    ("Labor Action, 8 March 1948"), or volume/issue numbers with a date. Credit lines are not citations."""
    return citation_from_line(text) is not None


# -- credits -----------------------------------------------------------------------------------------
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    (r"html\s*mark(?:ed)?[- ]?up|html", "html"),
    (r"transcri(?:bed|ption|ber|bing)", "transcribed"),
    (r"mark(?:ed)?[- ]?up|markup", "marked up"),
    (r"proof-?read(?:ing|er)?|proofed|proofing|proof-?reading", "proofread"),
    (r"translat(?:ed|ion|or|ors)", "translated"),
    (r"edit(?:ed|or|ors|ing)", "edited"),
    (r"scann(?:ed|ing)|scans?", "scanned"),
    (r"digiti[sz](?:ed|ation)|prepared|converted|formatted|typed|checked|corrected|compiled", "other"),
)
_ROLE_ALT = "|".join(f"(?:{p})" for p, _ in _ROLE_WORDS)
_ROLE_LIST = rf"(?:{_ROLE_ALT})(?:\s*(?:&|and|/|,)\s*(?:{_ROLE_ALT}))*"
_CLAUSE = re.compile(
    rf"(?:^|(?<=[.;,:])\s*|(?<=\s))(?P<roles>\b{_ROLE_LIST})\b\s*(?:(?P<by>by\b)|(?P<colon>:))\s*",
    re.IGNORECASE,
)
_HAS_DIGIT = re.compile(r"\d")
_ROLE_PREFIX = re.compile(rf"^[\W_]{{0,4}}(?:{_ROLE_ALT})", re.IGNORECASE)
_CLAUSE_START = re.compile(rf"^\s*(?P<roles>{_ROLE_LIST})\b\s*(?:(?P<by>by\b)|(?P<colon>:))?\s*", re.IGNORECASE)
_YEAR_END = re.compile(r"(?<!\d)(?P<year>1[5-9]\d\d|20\d\d)\s*\)?\s*\.?\s*$")
_YEAR_LEAD = re.compile(
    rf"(?:\s*,?\s*\b(?:in|on)\b)?(?:\s*,?\s*\b(?:{_MONTH_RE}|{_SEASON_WORD}|\d{{1,2}}(?:st|nd|rd|th)?)){{0,2}}"
    r"\s*[,(]?\s*$"
)
_BY_FIRST = re.compile(r"^by\s+", re.IGNORECASE)
_FOR_THEN_BY = re.compile(r"^for\s+(?P<whom>.+?)\s+by\s+(?P<names>.+)$", re.IGNORECASE)
_FROM_LANGUAGE = re.compile(r"\s+from\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[a-z]+)?$")
_ROLE_RES = tuple((re.compile(p, re.IGNORECASE), role) for p, role in _ROLE_WORDS)
_ROLE_SEP = re.compile(r"\s*(?:&|\band\b|/|,)\s*", re.IGNORECASE)
_TRAILING_DOT = re.compile(r"(?<=[a-z)\]])\.$")
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_FOR = re.compile(r"\s*,?\s*\b(?:for|on behalf of)\s+(?P<whom>.+)$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bwith\b|\bin cooperation with\b|\bassisted by\b)\s*")


def _role_of(word: str) -> str:
    w = word.strip()
    for pattern, role in _ROLE_RES:
        if pattern.fullmatch(w):
            return role
    return "other"


def _roles(phrase: str) -> list[str]:
    words = [w for w in _ROLE_SEP.split(phrase) if w.strip()]
    out: list[str] = []
    for w in words:
        role = _role_of(w)
        if role not in out:
            out.append(role)
    return out


def _strip_name(name: str) -> str:
    name = _clean(name).strip(" ,;:")
    name = _TRAILING_DOT.sub("", name)
    return name.strip(' ,;:*_"“”')


def _split_clause(body: str) -> tuple[list[str], str | None, int | None]:
    """A clause body "X and Y for the MIA in 1997" -> (names, for_whom, year)."""
    body = _BY_FIRST.sub("", _clean(body).rstrip(" .;,"))
    year = None
    if m := _YEAR_END.search(body):
        year = int(m.group("year"))
        head = body[: m.start()]
        lead = _YEAR_LEAD.search(head)
        body = head[: lead.start() if lead else len(head)].rstrip(" ,;")
    for_whom = None
    if m := _FOR_THEN_BY.match(body):  # "for marxists.org by Mitchell Abidor"
        body = f"{m.group('names')} for {m.group('whom')}"
    body = _FROM_LANGUAGE.sub("", body)  # "W. Lough from the German"
    if m := _FOR.search(body):
        whom = m.group("whom").split(",")[0]
        whom = _THE.sub("", _strip_name(whom))
        for_whom = whom or None
        body = body[: m.start()]
    names = [_strip_name(n) for n in _NAME_SPLIT.split(body)]
    return [n for n in names if n], for_whom, year


def parse_credits(text: str) -> list[Credit]:
    """Credits from one or more credit lines; one :class:`Credit` per (role, name), in order.

    "Transcribed & marked up by X for the ETOL" gives two credits for X; "Transcription/Markup: A/B"
    pairs roles with names; "in 1997" or a trailing year sets ``year``; "for the ..." sets ``for_whom``.
    """
    return list(_credits(_clean(_strip_markdown(text.strip())[0])))


@lru_cache(maxsize=4096)
def _credits(plain: str) -> tuple[Credit, ...]:
    """Credits of whitespace-normalised, Markdown-free text (cached: credit lines repeat across a corpus)."""
    starts = list(_CLAUSE.finditer(plain))
    if not starts or starts[0].start("roles") > 0:
        if m0 := _CLAUSE_START.match(plain):
            if m0.group("by") is None and m0.group("colon") is None:
                rest = plain[m0.end() :]
                if not rest[:1].isupper():
                    return ()
            starts = [m0] + [m for m in starts if m.start("roles") >= m0.end()]
    credits: list[Credit] = []
    seen: set[tuple[str, str]] = set()
    for i, m in enumerate(starts):
        end = starts[i + 1].start("roles") if i + 1 < len(starts) else len(plain)
        roles = _roles(m.group("roles"))
        names, for_whom, year = _split_clause(plain[m.end() : end])
        slash_names = [n.strip() for n in names[0].split("/")] if len(names) == 1 else []
        if len(roles) > 1 and len(slash_names) == len(roles):
            pairs = list(zip(roles, slash_names, strict=True))
        else:
            flat = [p.strip() for n in names for p in n.split("/") if p.strip()]
            pairs = [(r, n) for r in roles for n in flat]
        for role, name in pairs:
            if (role, name) in seen or not any(ch.isalpha() for ch in name):
                continue
            seen.add((role, name))
            credits.append(Credit(role=role, name=name, for_whom=for_whom, year=year))
    return tuple(credits)


def credits_from_line(text: str) -> list[Credit]:
    """The credits when a line is a credit line (see :func:`is_credit_line`), else an empty list."""
    if not _ROLE_PREFIX.match(text.lstrip()):
        return []
    plain = _clean(_strip_markdown(text.strip())[0])
    if not plain or len(plain) > 400 or not _CLAUSE_START.match(plain):
        return []
    return list(_credits(plain))


def is_credit_line(text: str) -> bool:
    """True when a line starts with a credit ("Transcribed by", "HTML Markup:", "Proofed:") naming someone."""
    return bool(credits_from_line(text))


_ROLE_VERBS = {
    "transcribed": "Transcribed",
    "marked up": "marked up",
    "proofread": "proofread",
    "translated": "translated",
    "edited": "edited",
    "scanned": "scanned",
    "html": "HTML markup",
    "other": "prepared",
}


def format_credits(credits: tuple[Credit, ...] | list[Credit]) -> list[str]:
    """Credit lines in ETOL form; consecutive credits for the same person share a line.

    ``parse_credits`` on each line gives the credits back, in order.
    """
    lines: list[str] = []
    group: list[Credit] = []

    def flush() -> None:
        if not group:
            return
        c = group[0]
        roles = [_ROLE_VERBS[g.role].lower() if g.role != "html" else "HTML markup" for g in group]
        phrase = " & ".join(roles)
        line = f"{phrase[:1].upper()}{phrase[1:]} by {c.name}"
        if c.for_whom:
            line += f" for the {c.for_whom}"
        if c.year is not None:
            line += f" in {c.year}"
        lines.append(line + ".")
        group.clear()

    for c in credits:
        if group and (c.name, c.for_whom, c.year) != (group[0].name, group[0].for_whom, group[0].year):
            flush()
        if any(g.role == c.role for g in group):
            flush()
        group.append(c)
    flush()
    return lines
