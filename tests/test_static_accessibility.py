"""Basic accessibility of the static site: WCAG contrast of the style sheet's text and background colours,
and on every built page a language, a skip link to the main content, headings in order and alt text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from masthead.publish import build_site
from masthead.web.app import STATIC
from test_publish_site import LABOR_ID, check_page, html_pages, make_store

CSS = STATIC / "masthead.css"
NAMED = {"white": "#ffffff", "black": "#000000"}


# -- colours ------------------------------------------------------------------------------------------------
def rgb(value: str) -> tuple[float, float, float] | None:
    """A CSS colour (``#rgb``, ``#rrggbb``, ``rgb(r, g, b)``, white, black) as 0-1 channels, else None."""
    value = NAMED.get(value.strip().lower(), value.strip())
    if m := re.fullmatch(r"#([0-9a-fA-F]{3})", value):
        return tuple(int(c * 2, 16) / 255 for c in m[1])  # type: ignore[return-value]
    if m := re.fullmatch(r"#([0-9a-fA-F]{6})", value):
        return tuple(int(m[1][i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    if m := re.fullmatch(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", value):
        return tuple(int(g) / 255 for g in m.groups())  # type: ignore[return-value]
    return None


def luminance(c: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance."""
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula() -> None:
    white, black = rgb("#fff"), rgb("black")
    assert white and black and round(contrast(white, black), 1) == 21.0
    assert round(contrast(rgb("#777777"), white), 2) == 4.48  # type: ignore[arg-type]  # the classic near miss


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """``(selector, declarations)`` of every rule (inside ``@media`` blocks too), comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                decls[key.strip().lower()] = value.strip()
        out.append((selector.strip(), decls))
    return out


def colour_of(value: str, props: dict[str, str]) -> tuple[float, float, float] | None:
    """The colour a ``color`` / ``background`` value gives (custom properties resolved), or None."""
    for _ in range(5):
        value = re.sub(r"var\((--[\w-]+)\)", lambda m: props.get(m[1], m[0]), value)
    for token in re.findall(r"#[0-9a-fA-F]{3,6}\b|rgb\([^)]*\)|\b(?:white|black)\b", value):
        if (c := rgb(token)) is not None:
            return c
    return None


def test_text_and_background_colours_have_enough_contrast() -> None:
    """Every text colour on every background it can sit on: a rule's own pair, and each text colour on
    the page and on each background a rule sets without a text colour (a notice, a highlight...)."""
    found = rules(CSS.read_text(encoding="utf-8"))
    props: dict[str, str] = {}  # the screen values: the first definition of each (print ones come later)
    for _, decls in found:
        for k, v in decls.items():
            if k.startswith("--"):
                props.setdefault(k, v)
    assert props, "no custom properties found in the style sheet"
    page = None
    texts: dict[str, tuple[float, float, float]] = {}
    grounds: dict[str, tuple[float, float, float]] = {}
    pairs: list[tuple[str, tuple[float, float, float], tuple[float, float, float]]] = []
    for selector, decls in found:
        fg = colour_of(decls["color"], props) if "color" in decls else None
        bg = next((colour_of(decls[k], props) for k in ("background-color", "background") if k in decls), None)
        if selector == "body" and bg is not None and page is None:
            page = bg
        if fg is not None and bg is not None:
            pairs.append((selector, fg, bg))
        elif fg is not None:
            texts[selector] = fg
        elif bg is not None:
            grounds[selector] = bg
    assert page is not None and texts and grounds
    own_ground = {sel: bg for sel, _, bg in pairs} | grounds
    for selector, fg in texts.items():
        # A state of an element that sets its own background (.skip-link:focus) sits on that background.
        bases = {re.split(r"::?[a-z]", part.strip())[0] for part in selector.split(",")}
        if all(b in own_ground for b in bases):
            pairs += [(f"{selector} on {b}", fg, own_ground[b]) for b in bases]
            continue
        pairs.append((f"{selector} on the page", fg, page))
        for where, bg in grounds.items():
            pairs.append((f"{selector} on {where}", fg, bg))
    if "--ink" in props:
        for where, bg in grounds.items():
            pairs.append((f"body text on {where}", colour_of("var(--ink)", props), bg))  # type: ignore[arg-type]
    low = [(name, round(contrast(fg, bg), 2)) for name, fg, bg in pairs if contrast(fg, bg) < 4.5]
    assert not low, f"colour pairs below WCAG AA 4.5:1: {low}"
    assert len(pairs) > 20


# -- built pages --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("a11y")
    store = make_store(tmp / "a.db")
    build_site(store, tmp / "site", pagefind=False)
    yield store, tmp / "site"
    store.close()


class FirstLinks(HTMLParser):
    """The first link of the body, the ``lang`` of every transcription and every image's ``alt``."""

    def __init__(self) -> None:
        super().__init__()
        self.first_href: str | None = None
        self.langs: list[str | None] = []
        self.alts: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and self.first_href is None:
            self.first_href = a.get("href")
        if tag == "article" and "etol" in (a.get("class") or ""):
            self.langs.append(a.get("lang"))
        if tag == "img":
            self.alts.append(a.get("alt"))


def test_every_page_is_accessible(site) -> None:
    store, root = site
    pages = html_pages(root)
    assert len(pages) > 20
    articles = 0
    for page in pages:
        rel = page.relative_to(root)
        check = check_page(page)
        assert check.html_lang and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", check.html_lang), rel
        assert check.skip_link and "main" in check.ids, rel
        levels = [level for level, _ in check.headings]  # the title's h1 may be the transcription's own
        assert levels.count(1) == 1, (rel, levels)
        if not any(inside for _, inside in check.headings):  # a page of the site's own: h1 comes first
            assert levels[0] == 1, (rel, levels)
        deepest = 0
        for level, inside in check.headings:  # the page's own headings never skip a level
            assert inside or level <= deepest + 1, (rel, check.headings)
            deepest = max(deepest, level) if inside else level
        parser = FirstLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.first_href == "#main", (rel, "the skip link must be the first link")
        assert all(alt is not None for alt in parser.alts), rel
        for lang in parser.langs:  # a transcription says its own language
            assert lang and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", lang), (rel, lang)
            articles += 1
    assert articles == store.count_documents()


def test_cite_box_is_labelled_and_prints(site) -> None:
    _, root = site
    page = root / "articles" / LABOR_ID / "index.html"
    text = page.read_text(encoding="utf-8")
    assert '<aside class="cite-this" aria-labelledby="cite-this">' in text and '<h2 id="cite-this">' in text
    css = CSS.read_text(encoding="utf-8")
    assert ".cite-this" in css
    media = re.search(r"@media print\s*\{(.*?)\n\}", css, re.S)
    assert media and ".downloads" in media[1], "the download links are hidden on paper"
