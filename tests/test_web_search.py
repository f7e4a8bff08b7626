"""The web app's search surfaces on a small built archive: the /search page (results, counts, phrases,
facets and chips, year ranges, sorting, pages, did-you-mean, query errors, escaping), /api/search,
related articles and highlighting on the article page, and the index following the store's changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from masthead.model import Block, Document, Source
from masthead.search import Highlighter, SearchIndex
from masthead.store.sqlite import SQLiteStore
from masthead.web import create_app
from masthead.web.search import SearchParams, highlight_html, safe_back_link

EVIL = "<script>alert(1)</script>"


def css(t: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """The few CSS selectors these tests use (``tag.class``, ``.class``, ``[attr]``, ``[attr=v]``, ``#id``,
    descendant combinator), as XPath: the cssselect package is not a dependency."""
    path = ""
    for step in selector.split():
        m = re.fullmatch(r"([a-z0-9]*)((?:[.#][\w-]+|\[[^\]]+\])*)", step)
        assert m, step
        cond = []
        for part in re.findall(r"[.#][\w-]+|\[[^\]]+\]", m.group(2)):
            if part[0] == ".":
                cond.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {part[1:]} ')")
            elif part[0] == "#":
                cond.append(f"@id='{part[1:]}'")
            else:
                name, _, value = part[1:-1].partition("=")
                cond.append(f"@{name}='{value.strip(chr(39))}'" if value else f"@{name}")
        path += "//" + (m.group(1) or "*") + "".join(f"[{c}]" for c in cond)
    return t.xpath("." + path)


def doc(doc_id: str, title: str, *paragraphs: str, writer: str, periodical: str, date: str) -> Document:
    return Document(
        id=doc_id,
        title=title,
        writers=(writer,),
        source=Source(periodical=periodical, date=date),
        blocks=tuple(Block("paragraph", p) for p in paragraphs),
    )


ARCHIVE = [
    doc(
        "la/1946/coal",
        "The Coal Strike",
        "The miners stopped work across the coalfields on Monday morning.",
        "The union leaders called for solidarity from every labour organisation in the land.",
        writer="Max Shachtman",
        periodical="Labor Action",
        date="1946-03-08",
    ),
    doc(
        "la/1947/steel",
        "Steel Workers Strike",
        "Steel workers walked out; the strike spread to the mills of the valley.",
        writer="Hal Draper",
        periodical="Labor Action",
        date="1947-05-01",
    ),
    doc(
        "mil/1948/wages",
        "Wages and Prices",
        "The labor movement must fight for higher wages while prices rise.",
        "A strike is the last weapon of the workers; the coal strike showed it.",
        writer="James P. Cannon",
        periodical="The Militant",
        date="1948-06-01",
    ),
    doc(
        "ni/1949/revolution",
        "Permanent Revolution Today",
        "The theory of permanent revolution explains the colonial uprisings.",
        "Every strike in the colonies raises the question of power.",
        writer="Leon Trotsky",
        periodical="New International",
        date="1949-01-01",
    ),
    doc(
        "ni/1950/evil",
        f"Escaping {EVIL} titles",
        f"A strike report with markup {EVIL} in the text.",
        writer="Leon Trotsky",
        periodical="New International",
        date="1950-02-01",
    ),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SQLiteStore, SearchIndex]]:
    tmp = tmp_path_factory.mktemp("search-web")
    store = SQLiteStore(str(tmp / "archive.db"))
    for d in ARCHIVE:
        store.save(d)
    index = SearchIndex.open(tmp / "ix")
    yield store, index
    index.close()
    store.close()


@pytest.fixture(scope="module")
def client(archive: tuple[SQLiteStore, SearchIndex]) -> Iterator[TestClient]:
    store, index = archive
    with TestClient(create_app(store, title="Test archive", index=index)) as c:
        yield c


def tree(page: str) -> lxml_html.HtmlElement:
    t = lxml_html.fromstring(page)
    ids = [e.get("id") for e in t.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(t.findall(".//h1")) == 1
    return t


def hit_ids(page: str) -> list[str]:
    t = lxml_html.fromstring(page)
    return [urlsplit(a.get("href")).path.removeprefix("/articles/") for a in css(t, ".hit-title a")]


def text_of(page: str) -> str:
    return " ".join(lxml_html.fromstring(page).text_content().split())


def facet_links(page: str, key: str) -> dict[str, str]:
    t = lxml_html.fromstring(page)
    return {a.text_content().strip(): a.get("href") for a in css(t, f"a[data-facet='{key}']")}


# -- the search page --------------------------------------------------------------------------------------
def test_results_with_counts_titles_and_snippets_linking_to_paragraphs(client: TestClient) -> None:
    r = client.get("/search", params={"q": "strike"})
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    t = tree(r.text)
    assert "5 articles" in text_of(r.text)
    assert set(hit_ids(r.text)) == {d.id for d in ARCHIVE}
    snippets = css(t, ".snippet a")
    assert len(snippets) == 5
    # a paragraph's snippet marks the words and links to that paragraph; the one document matched only
    # in its title has its title marked and its opening as the snippet, linking to the article's top
    deep = [a for a in snippets if urlsplit(a.get("href")).fragment]
    assert len(deep) == 4 and all(a.find(".//mark") is not None for a in deep)
    assert [m.text_content() for m in css(t, ".hit-title mark")] == ["Strike", "Strike"]
    first = deep[0].get("href")
    parts = urlsplit(first)
    assert re.fullmatch(r"p\d+", parts.fragment)
    query = parse_qs(parts.query)
    assert query["hl"] == ["strike"]
    assert query["from"] == ["/search?q=strike"]
    # the writer, periodical and date are shown
    assert "Max Shachtman · Labor Action, 8 March 1946" in text_of(r.text)


def test_phrase_query_matches_only_the_phrase(client: TestClient) -> None:
    r = client.get("/search", params={"q": '"permanent revolution"'})
    assert hit_ids(r.text) == ["ni/1949/revolution"]
    assert "1 article" in text_of(r.text)
    r = client.get("/search", params={"q": '"revolution permanent"'})
    assert hit_ids(r.text) == []
    assert "No articles found" in text_of(r.text)


def test_facet_links_narrow_and_chips_undo(client: TestClient) -> None:
    r = client.get("/search", params={"q": "strike"})
    periodicals = facet_links(r.text, "periodical")
    assert set(periodicals) == {"Labor Action", "The Militant", "New International"}
    assert "1946" in facet_links(r.text, "year") and "Hal Draper" in facet_links(r.text, "writer")
    narrowed = client.get(periodicals["Labor Action"])
    assert sorted(hit_ids(narrowed.text)) == ["la/1946/coal", "la/1947/steel"]
    t = lxml_html.fromstring(narrowed.text)
    chips = css(t, "a.chip")
    assert [c.text_content().split("×")[0].strip() for c in chips] == ["periodical: Labor Action"]
    # facets are recounted within the filter, and a second facet narrows further
    writers = facet_links(narrowed.text, "writer")
    assert set(writers) == {"Max Shachtman", "Hal Draper"}
    both = client.get(writers["Hal Draper"])
    assert hit_ids(both.text) == ["la/1947/steel"]
    assert len(css(lxml_html.fromstring(both.text), "a.chip")) == 2
    # removing the periodical chip keeps the writer filter
    chip = next(c for c in css(lxml_html.fromstring(both.text), "a.chip") if "periodical" in c.text_content())
    undone = client.get(chip.get("href"))
    assert hit_ids(undone.text) == ["la/1947/steel"]
    assert parse_qs(urlsplit(chip.get("href")).query) == {"q": ["strike"], "writer": ["Hal Draper"]}
    # the search box keeps the filters as hidden fields, so a new query stays narrowed
    hidden = css(lxml_html.fromstring(both.text), "form.search-form input[type=hidden]")
    assert {(h.get("name"), h.get("value")) for h in hidden} == {
        ("periodical", "Labor Action"),
        ("writer", "Hal Draper"),
    }


def test_year_range_in_query_and_as_filter(client: TestClient) -> None:
    r = client.get("/search", params={"q": "strike year:1946..1948"})
    assert sorted(hit_ids(r.text)) == ["la/1946/coal", "la/1947/steel", "mil/1948/wages"]
    r = client.get("/search", params={"q": "strike", "year": "1949..1950"})
    assert sorted(hit_ids(r.text)) == ["ni/1949/revolution", "ni/1950/evil"]
    # clicking a year facet replaces the year filter
    link = facet_links(r.text, "year")["1949"]
    assert parse_qs(urlsplit(link).query)["year"] == ["1949"]


def test_sort_oldest_newest_and_pagination(client: TestClient) -> None:
    oldest = hit_ids(client.get("/search", params={"q": "strike", "sort": "oldest"}).text)
    newest = hit_ids(client.get("/search", params={"q": "strike", "sort": "newest"}).text)
    dates = {d.id: d.source.date for d in ARCHIVE}
    assert oldest == sorted(oldest, key=dates.__getitem__)
    assert newest == list(reversed(oldest))
    r = client.get("/search", params={"q": "strike", "sort": "oldest"})
    t = lxml_html.fromstring(r.text)
    assert css(t, "select#sort option[selected]")[0].get("value") == "oldest"
    # a page beyond the results says so, with a way back, and a malformed page number is page 1
    r2 = client.get("/search", params={"q": "strike", "page": "2"})
    assert r2.status_code == 200 and hit_ids(r2.text) == []
    back = css(lxml_html.fromstring(r2.text), ".empty a")[0].get("href")
    assert len(hit_ids(client.get(back).text)) == 5
    assert client.get("/search", params={"q": "strike", "page": "abc"}).status_code == 200


def test_pagination_links(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "a.db"))
    for i in range(23):
        store.save(
            doc(
                f"x/{i:02d}",
                f"Report {i}",
                f"The picket line held on day {i}.",
                writer="Anon",
                periodical="Labor Action",
                date=f"19{40 + i % 10}-01-01",
            )
        )
    index = SearchIndex.open(tmp_path / "ix")
    try:
        with TestClient(create_app(store, index=index)) as c:
            seen: list[str] = []
            url: str | None = "/search?q=picket&sort=oldest"
            pages = 0
            while url:
                r = c.get(url)
                ids = hit_ids(r.text)
                assert ids and not set(ids) & set(seen)
                seen += ids
                pages += 1
                t = lxml_html.fromstring(r.text)
                nxt = css(t, ".pager a[rel=next]")
                prev = css(t, ".pager a[rel=prev]")
                assert bool(prev) == (pages > 1)
                url = nxt[0].get("href") if nxt else None
            assert pages == 3 and len(seen) == 23
            assert "23 articles, showing 21–23" in text_of(r.text)
    finally:
        index.close()
        store.close()


def test_did_you_mean(client: TestClient) -> None:
    r = client.get("/search", params={"q": "solidarty"})
    assert r.status_code == 200
    t = lxml_html.fromstring(r.text)
    link = css(t, ".did-you-mean a")
    assert link, text_of(r.text)
    assert parse_qs(urlsplit(link[0].get("href")).query)["q"] == ["solidarity"]
    assert hit_ids(client.get(link[0].get("href")).text) == ["la/1946/coal"]


@pytest.mark.parametrize("q", ["year:abc", "NOT strike", "-strike"])
def test_query_errors_are_shown_not_500(client: TestClient, q: str) -> None:
    r = client.get("/search", params={"q": q})
    assert r.status_code == 400
    t = tree(r.text)
    alert = css(t, ".search-error")
    assert alert and "could not be run" in alert[0].text_content()
    # the search box still holds what was typed
    assert t.get_element_by_id("q").get("value") == q


@pytest.mark.parametrize("q", ['"unclosed', "writer:", "AND OR NOT", "*", "((((", 'title:"', "\x00"])
def test_hostile_queries_never_fail(client: TestClient, q: str) -> None:
    r = client.get("/search", params={"q": q})
    assert r.status_code in (200, 400)
    tree(r.text)


def test_bad_filter_value_is_a_message(client: TestClient) -> None:
    r = client.get("/search", params={"q": "strike", "year": "soon"})
    assert r.status_code == 400
    assert "1946..1948" in text_of(r.text)


def test_empty_query_shows_form_and_syntax_help(client: TestClient) -> None:
    r = client.get("/search")
    assert r.status_code == 200
    t = tree(r.text)
    assert t.get_element_by_id("q").get("name") == "q"
    help_text = text_of(r.text)
    for example in ('"permanent revolution"', "OR", "NOT", "social*", "writer:", "year:1946..1948"):
        assert example in help_text
    assert not css(t, ".hit")


def test_titles_and_text_are_escaped(client: TestClient) -> None:
    r = client.get("/search", params={"q": "escaping"})
    assert hit_ids(r.text) == ["ni/1950/evil"]
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    r = client.get("/search", params={"q": "markup"})
    assert "<script>alert" not in r.text
    # the query itself is escaped wherever it is shown
    r = client.get("/search", params={"q": EVIL})
    assert "<script>alert" not in r.text


def test_partial_returns_only_the_results_fragment(client: TestClient) -> None:
    r = client.get("/search", params={"q": "strike", "partial": "1"})
    assert r.status_code == 200
    assert "<html" not in r.text and "<h1" not in r.text
    assert len(hit_ids(f"<div>{r.text}</div>")) == 5


def test_header_search_form_and_script_on_pages(client: TestClient) -> None:
    r = client.get("/")
    t = lxml_html.fromstring(r.text)
    form = css(t, "form.site-search")[0]
    assert form.get("action") == "/search" and form.get("method") == "get"
    scripts = t.findall(".//script")
    assert [s.get("src") for s in scripts] == ["/static/search.js"] and not scripts[0].text
    assert client.get("/static/search.js").status_code == 200


def test_search_unavailable_without_index(archive: tuple[SQLiteStore, SearchIndex]) -> None:
    store, _ = archive
    with TestClient(create_app(store)) as c:
        r = c.get("/search", params={"q": "strike"})
        assert r.status_code == 200
        assert "masthead reindex" in text_of(r.text)
        assert "script-src 'none'" in r.headers["content-security-policy"]
        assert not lxml_html.fromstring(r.text).findall(".//script")
        j = c.get("/api/search", params={"q": "strike"})
        assert j.status_code == 503 and "reindex" in j.json()["detail"]
        page = c.get("/articles/la/1946/coal")
        assert "Related articles" not in page.text


# -- the JSON API -----------------------------------------------------------------------------------------
def test_api_search_json_shape(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "strike", "periodical": "Labor Action", "limit": 1})
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 2 and data["limit"] == 1 and data["offset"] == 0
    assert data["has_more"] is True and data["next_offset"] == 1
    (hit,) = data["hits"]
    assert set(hit) >= {"doc_id", "title", "writers", "periodical", "date", "passages", "url"}
    passage = hit["passages"][0]
    assert passage["url"] == f"/articles/{hit['doc_id']}?hl=strike" + (
        f"#{passage['anchor']}" if passage["anchor"] else ""
    )
    steel = client.get("/api/search", params={"q": "strike", "writer": "Hal Draper"}).json()["hits"][0]
    assert steel["passages"][0]["url"] == "/articles/la/1947/steel?hl=strike#p0"
    assert {f["value"] for f in data["facets"]["periodical"]} == {"Labor Action"}
    page2 = client.get("/api/search", params={"q": "strike", "periodical": "Labor Action", "offset": 1}).json()
    assert [h["doc_id"] for h in page2["hits"]] != [hit["doc_id"]] and page2["has_more"] is False


def test_api_search_bad_query_is_400_json(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "year:abc"})
    assert r.status_code == 400
    assert "year" in r.json()["detail"]
    assert client.get("/api/search", params={"q": "strike", "sort": "sideways"}).status_code == 400
    assert client.get("/api/search", params={"q": "strike", "limit": 0}).status_code == 422


def test_api_search_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/search"]["get"]
    assert op["summary"] and "phrases" in op["description"]
    assert {p["name"] for p in op["parameters"]} >= {"q", "periodical", "writer", "year", "sort", "limit"}


# -- the article page -------------------------------------------------------------------------------------
def test_article_has_related_articles(client: TestClient) -> None:
    r = client.get("/articles/la/1946/coal")
    assert r.status_code == 200
    t = tree(r.text)
    section = css(t, "aside.related")
    assert section, "no related articles"
    links = [a.get("href") for a in css(section[0], "a")]
    assert links and "/articles/la/1946/coal" not in links
    assert all(h.startswith("/articles/") for h in links)


def test_article_highlights_terms_and_links_back(client: TestClient) -> None:
    back = "/search?q=strike"
    r = client.get("/articles/mil/1948/wages", params={"hl": "strike", "from": back})
    t = tree(r.text)
    p1 = t.get_element_by_id("p1")
    marks = [m.text_content() for m in p1.iter("mark")]
    assert marks == ["strike", "strike"]
    assert not list(t.get_element_by_id("p0").iter("mark"))
    assert css(t, ".back-to-results a")[0].get("href") == back
    # British / American spellings: "labour" marks "labor"
    r = client.get("/articles/mil/1948/wages", params={"hl": "labour"})
    marks = [m.text_content() for m in lxml_html.fromstring(r.text).iter("mark")]
    assert marks == ["labor"]
    # no open redirect through ?from=
    r = client.get("/articles/mil/1948/wages", params={"from": "https://evil.example/search"})
    assert not css(lxml_html.fromstring(r.text), ".back-to-results")


def test_highlighting_keeps_escaping(client: TestClient) -> None:
    r = client.get("/articles/ni/1950/evil", params={"hl": "script alert markup"})
    assert "<script>" not in r.text
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(1)" in r.text


def test_highlight_html_touches_only_text() -> None:
    hl = Highlighter(terms=frozenset({"class", "amp", "strike"}))
    body = '<p id="p0" class="strike">Strike &amp; class &lt;b&gt;</p><!-- strike -->'
    out = highlight_html(body, hl)
    assert out == '<p id="p0" class="strike"><mark>Strike</mark> &amp; <mark>class</mark> &lt;b&gt;</p><!-- strike -->'
    assert highlight_html(body, Highlighter()) == body


def test_safe_back_link() -> None:
    assert safe_back_link("/search?q=a+b&writer=X") == "/search?q=a+b&writer=X"
    for bad in ("//evil.example/search", "https://evil.example/search", "/articles/x", "javascript:alert(1)"):
        assert safe_back_link(bad) is None


def test_search_params_round_trip() -> None:
    p = SearchParams.from_query([("q", " a "), ("writer", "X"), ("writer", "X"), ("page", "3"), ("sort", "bad")])
    assert p.q == "a" and p.filters == (("writer", "X"),) and p.page == 3 and p.sort == "relevance"
    assert p.url() == "/search?q=a&writer=X&page=3"
    assert p.adding("year", "1948") == "/search?q=a&writer=X&year=1948"
    assert p.removing("writer", "X") == "/search?q=a"


# -- following the store ----------------------------------------------------------------------------------
def test_saved_documents_become_searchable_and_deleted_ones_disappear(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "a.db"))
    store.save(ARCHIVE[0])
    index = SearchIndex.open(tmp_path / "ix")
    try:
        with TestClient(create_app(store, index=index)) as c:
            assert hit_ids(c.get("/search", params={"q": "miners"}).text) == ["la/1946/coal"]
            store.save(
                doc(
                    "late/1951/zinc",
                    "Zinc Miners Win",
                    "The zinc miners won their strike after nine weeks.",
                    writer="Hal Draper",
                    periodical="Labor Action",
                    date="1951-01-01",
                )
            )
            assert hit_ids(c.get("/search", params={"q": "zinc"}).text) == ["late/1951/zinc"]
            assert sorted(hit_ids(c.get("/search", params={"q": "miners"}).text)) == [
                "la/1946/coal",
                "late/1951/zinc",
            ]
            assert store.delete("la/1946/coal")
            assert hit_ids(c.get("/search", params={"q": "miners"}).text) == ["late/1951/zinc"]
            assert c.get("/api/search", params={"q": "coalfields"}).json()["total"] == 0
    finally:
        index.close()
        store.close()


def test_search_results_download_as_one_epub(client) -> None:
    import io
    import zipfile

    page = client.get("/search", params={"q": "strike"}).text
    assert "/search.epub?q=strike" in page
    r = client.get("/search.epub", params={"q": "strike"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/epub+zip")
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert z.namelist()[0] == "mimetype"
    assert client.get("/search.epub", params={"q": "zzzqqqxxx"}).status_code == 404
    assert client.get("/search.epub", params={"q": "year:abc"}).status_code == 400


def test_facet_counts_say_when_they_count_passages(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page counts articles per facet value, and on a large result set (cheaper) passages, saying so."""
    import masthead.search.index as index_module

    r = client.get("/search", params={"q": "strike"})
    assert "Counts are matching passages" not in r.text
    monkeypatch.setattr(index_module, "AUTO_DOCUMENT_ROWS", 0)
    r = client.get("/search", params={"q": "strike"})
    assert "Counts are matching passages" in r.text
    data = client.get("/api/search", params={"q": "strike"}).json()
    assert data["facet_unit"] == "passages"
