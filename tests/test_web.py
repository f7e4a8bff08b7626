"""The web app, in process: every page type, 404s, escaping, the JSON API, and the URL builder.

The archive is a real :class:`~masthead.store.sqlite.SQLiteStore` filled with documents built directly
from the model classes (the web app never parses text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from masthead.model import Block, Credit, Document, Mark, Note, Source
from masthead.store.sqlite import SQLiteStore
from masthead.web import NotFound, Pages, Urls, create_app

EVIL = "<script>alert(1)</script>"
EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

ARTICLE_ID = "labor-action/1948/03/08/independent-socialism"
TITLE = "Independent Socialism, Building Workers’ Confidence, Is Only Answer to Stalinism"


def _source(periodical: str | None, volume: int | None, issue: int | None, date: str | None, pages=None) -> Source:
    start, end = pages if pages else (None, None)
    raw = f"From {periodical}, Vol. {volume} No. {issue}, {date}." if periodical else ""
    return Source(periodical=periodical, volume=volume, issue=issue, date=date, page_start=start, page_end=end, raw=raw)


def archive_documents() -> list[Document]:
    """A small archive: two Labor Action issues, a New International article, odd and hostile cases."""
    body = (
        Block(kind="paragraph", text="The hearts of all socialists were sick with sorrow.", style="fst"),
        Block(
            kind="paragraph",
            text="Who could watch the Stalinist coup without a sense of oppression?",
            marks=(
                Mark(start=10, end=15, kind="emphasis"),
                Mark(start=64, end=64, kind="noteref", target="n1", label="1"),
            ),
        ),
        Block(kind="heading", text="How Can the Stalinists Win Workers’ Support?", level=4),
        Block(kind="paragraph", text="Here we come to the central question."),
        Block(kind="section_break"),
        Block(kind="paragraph", text="The truth is otherwise."),
    )
    main = Document(
        id=ARTICLE_ID,
        title=TITLE,
        subtitle="Observations on the Events in Czechoslovakia",
        date_line="(March 1948)",
        writers=("Irving Howe",),
        source=Source(
            periodical="Labor Action",
            volume=12,
            issue=10,
            date="1948-03-08",
            page_start=4,
            page_end=4,
            raw="From Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4.",
        ),
        credits=(Credit(role="transcribed", name="Einde O’Callaghan", for_whom="ETOL"),),
        blocks=body,
        notes=(Note(id="n1", label="1", blocks=(Block(kind="paragraph", text="See Labor Action, 1 March."),)),),
    )
    front = Document(
        id="labor-action/1948/03/08/czech-coup",
        title="The Czech Coup",
        writers=("Hal Draper", "Irving Howe"),
        source=_source("Labor Action", 12, 10, "1948-03-08", (1, 2)),
        blocks=(Block(kind="paragraph", text="Prague fell in a week."),),
    )
    next_week = Document(
        id="labor-action/1948/03/15/after-prague",
        title="After Prague",
        writers=("Irving Howe",),
        source=_source("Labor Action", 12, 11, "1948-03-15", (3, 3)),
        blocks=(Block(kind="paragraph", text="A week later."),),
    )
    ni = Document(
        id="new-international/1948/03/stalinism",
        title="Stalinism in Eastern Europe",
        writers=("Max Shachtman",),
        source=_source("New International", 14, 3, "1948-03", (67, 70)),
        blocks=(Block(kind="paragraph", text="A long theoretical article."),),
    )
    evil = Document(
        id="evil/1949/01/01/script",
        title=f"{EVIL} Evil title",
        subtitle=f"Sub {EVIL}",
        writers=(f"<b>Bad</b> {EVIL} Writer",),
        source=_source(f"The {EVIL} Gazette", 1, 1, "1949-01-01", (1, 1)),
        blocks=(
            Block(kind="paragraph", text=f"Body text {EVIL} here."),
            Block(
                kind="paragraph",
                text="A javascript link.",
                marks=(Mark(start=2, end=12, kind="link", target="javascript:alert(3)"),),
            ),
        ),
    )
    undated = Document(
        id="labor-action/undated-leaflet",
        title="An Undated Leaflet",
        source=Source(periodical="Labor Action", raw="Labor Action leaflet."),
        blocks=(Block(kind="paragraph", text="No date at all."),),
    )
    pamphlet = Document(
        id="irving-howe/1950/a-pamphlet",
        title="A Pamphlet",
        writers=("Irving Howe",),
        source=Source(date="1950"),
        blocks=(Block(kind="paragraph", text="Not from a periodical."),),
    )
    return [main, front, next_week, ni, evil, undated, pamphlet]


def build_archive(path: Path) -> SQLiteStore:
    """A SQLite store at ``path`` holding :func:`archive_documents`, the main article in two revisions."""
    store = SQLiteStore(str(path))
    docs = archive_documents()
    first = docs[0].replace(blocks=docs[0].blocks[:1] + (Block(kind="paragraph", text="First draft wording."),))
    store.save(first, message="first")
    for doc in docs:
        store.save(doc)
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    s = build_archive(tmp_path_factory.mktemp("web") / "archive.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: SQLiteStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, title="Test archive")) as c:
        yield c


def issue_id(store: SQLiteStore, slug: str, number: int) -> int:
    return next(i.id for i in store.issues(slug) if i.number == number)


def text_of(page: str) -> str:
    """The visible text of an HTML page, whitespace squeezed."""
    return " ".join(lxml_html.fromstring(page).text_content().split())


def check_page(page: str) -> lxml_html.HtmlElement:
    """Checks every HTML page must pass: one h1, unique ids, no scripts, lang set, skip link target."""
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "en"
    assert len(tree.findall(".//h1")) == 1
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    assert not tree.findall(".//script")
    assert tree.find(".//a[@class='skip-link']").get("href") == "#main"
    assert tree.get_element_by_id("main").tag == "main"
    return tree


# -- pages ------------------------------------------------------------------------------------------------
def test_home_lists_periodicals_writers_and_total(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    tree = check_page(r.text)
    text = text_of(r.text)
    assert "7 documents from 3 periodicals by 4 writers" in text
    links = {a.text_content().strip(): a.get("href") for a in tree.iter("a")}
    assert links["Labor Action"] == "/periodicals/labor-action"
    assert links["Max Shachtman"] == "/writers/max-shachtman"
    assert re.search(r"Labor Action 4 articles, 1948\b", text)
    assert "New International 1 article, 1948" in text
    assert re.search(r"Irving Howe 4\b", text)
    assert '<link rel="stylesheet" href="/static/masthead.css">' in r.text


def test_periodical_page_is_a_year_index_of_tables_of_contents(client: TestClient, store: SQLiteStore) -> None:
    r = client.get("/periodicals/labor-action")
    assert r.status_code == 200
    tree = check_page(r.text)
    text = text_of(r.text)
    assert "Vol. 12 No. 10, 8 March 1948" in text
    assert "Vol. 12 No. 11, 15 March 1948" in text
    assert text.index("Vol. 12 No. 10") < text.index("Vol. 12 No. 11") < text.index("Undated")
    # The TOC entry: title link, writer, page.
    entry = next(li for li in tree.iter("li") if "toc-entry" in (li.get("class") or "") and TITLE in li.text_content())
    assert entry.find(".//a").get("href") == f"/articles/{ARTICLE_ID}"
    assert "by Irving Howe" in " ".join(entry.text_content().split())
    assert "p. 4" in entry.text_content()
    # Page order inside an issue: p. 1-2 before p. 4, a page range as "pp. 1–2".
    assert text.index("The Czech Coup") < text.index(TITLE)
    assert "pp. 1–2" in text
    assert f'href="/issues/{issue_id(store, "labor-action", 10)}"' in r.text
    assert 'href="/periodicals/labor-action/1948"' in r.text


def test_large_periodical_page_lists_years_only(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("masthead.web.app.FULL_TOC_LIMIT", 3)
    r = client.get("/periodicals/labor-action")
    assert r.status_code == 200
    check_page(r.text)
    assert "1948 3 articles" in text_of(r.text)
    assert 'href="/periodicals/labor-action/1948"' in r.text
    assert "toc-entry" not in r.text and "Vol. 12 No. 10" not in r.text


def test_periodical_year_page(client: TestClient) -> None:
    r = client.get("/periodicals/labor-action/1948")
    assert r.status_code == 200
    check_page(r.text)
    text = text_of(r.text)
    assert "Labor Action, 1948" in text
    assert "2 issues in the archive" in text
    assert "Vol. 12 No. 10, 8 March 1948" in text and "p. 4" in text
    assert "Undated" not in text


def test_issue_page_has_contents_and_neighbours(client: TestClient, store: SQLiteStore) -> None:
    first, second = issue_id(store, "labor-action", 10), issue_id(store, "labor-action", 11)
    r = client.get(f"/issues/{first}")
    assert r.status_code == 200
    tree = check_page(r.text)
    text = text_of(r.text)
    assert "Vol. 12 No. 10, 8 March 1948" in text
    assert text.index("The Czech Coup") < text.index(TITLE) and "After Prague" not in text
    assert tree.find(".//a[@rel='next']").get("href") == f"/issues/{second}"
    assert tree.find(".//a[@rel='prev']") is None
    crumbs = [a.get("href") for a in tree.find(".//nav[@class='breadcrumbs']").iter("a")]
    assert crumbs == ["/", "/periodicals/labor-action", "/periodicals/labor-action/1948"]
    r2 = client.get(f"/issues/{second}")
    assert r2.status_code == 200
    assert lxml_html.fromstring(r2.text).find(".//a[@rel='prev']").get("href") == f"/issues/{first}"


def test_writer_page_lists_articles_by_date(client: TestClient) -> None:
    r = client.get("/writers/irving-howe")
    assert r.status_code == 200
    check_page(r.text)
    text = text_of(r.text)
    assert "Irving Howe" in text and "4 articles" in text
    assert text.index("The Czech Coup") < text.index("After Prague") < text.index("A Pamphlet")
    assert "Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4" in text
    assert "with Hal Draper" in text
    assert f'href="/articles/{ARTICLE_ID}"' in r.text


def test_article_page(client: TestClient, store: SQLiteStore) -> None:
    r = client.get(f"/articles/{ARTICLE_ID}")
    assert r.status_code == 200
    tree = check_page(r.text)
    assert tree.find(".//h1").text_content() == TITLE
    assert tree.find(".//title").text.startswith(TITLE)
    text = text_of(r.text)
    assert "The hearts of all socialists" in text and "First draft wording" not in text
    assert tree.find(".//article").get("lang") == "en"
    assert tree.find(".//*[@class='information']") is not None
    crumbs = [a.get("href") for a in tree.find(".//nav[@class='breadcrumbs']").iter("a")]
    first = issue_id(store, "labor-action", 10)
    assert crumbs == ["/", "/periodicals/labor-action", "/periodicals/labor-action/1948", f"/issues/{first}"]
    about = " ".join(tree.find(".//aside[@class='about']").text_content().split())
    assert "Revision 2 of 2" in about
    assert "Published in Labor Action, Vol. 12 No. 10, 8 March 1948, p. 4" in about
    links = {a.text_content().strip(): a.get("href") for a in tree.iter("a")}
    assert links["JSON"] == f"/api/documents/{ARTICLE_ID}"
    assert links["Irving Howe"] == "/writers/irving-howe"
    assert links["1"] == f"/articles/{ARTICLE_ID}?revision=1"
    # Body laid out by the renderer: paragraph ids and the note with its back-link.
    assert tree.get_element_by_id("p0").text_content().startswith("The hearts")
    assert tree.get_element_by_id("n1") is not None


def test_article_older_revision(client: TestClient) -> None:
    r = client.get(f"/articles/{ARTICLE_ID}?revision=1")
    assert r.status_code == 200
    text = text_of(r.text)
    assert "First draft wording" in text
    assert "You are reading revision 1 of this article" in text
    assert f'href="/api/documents/{ARTICLE_ID}?revision=1"' in r.text


def test_articles_list_and_paging(client: TestClient, store: SQLiteStore) -> None:
    r = client.get("/articles")
    assert r.status_code == 200
    check_page(r.text)
    text = text_of(r.text)
    assert "Articles 1–7 of 7" in text
    assert text.index("The Czech Coup") < text.index("After Prague")
    pages = Pages(store)
    second = pages.articles(offset=2, limit=2)
    assert "Articles 3–4 of 7" in text_of(second)
    assert 'href="/articles?offset=4"' in second and 'href="/articles"' in second
    assert client.get("/articles?offset=50").status_code == 404


def test_undated_and_periodical_less_documents(client: TestClient) -> None:
    r = client.get("/articles/labor-action/undated-leaflet")
    assert r.status_code == 200
    assert "Undated" in text_of(r.text)  # breadcrumb to its issue
    r = client.get("/articles/irving-howe/1950/a-pamphlet")
    assert r.status_code == 200
    crumbs = [a.get("href") for a in lxml_html.fromstring(r.text).find(".//nav[@class='breadcrumbs']").iter("a")]
    assert crumbs == ["/"]


def test_head_requests_answer_like_get(client: TestClient) -> None:
    for path in ("/", f"/articles/{ARTICLE_ID}", "/api/periodicals", "/static/masthead.css"):
        get, head = client.get(path), client.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == str(len(get.content))
    assert client.head("/writers/nobody").status_code == 404


def test_every_internal_link_resolves(client: TestClient) -> None:
    """Crawl the site from the front page: every link and style sheet a page points at answers 200."""
    seen: set[str] = set()
    todo = ["/"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path)
        assert r.status_code == 200, f"{path} -> {r.status_code}"
        if not r.headers["content-type"].startswith("text/html"):
            continue
        tree = lxml_html.fromstring(r.text)
        for el in tree.iter("a", "link"):
            href = el.get("href")
            if href and href.startswith("/") and not href.startswith("//"):
                target = href.split("#")[0]
                if target and target not in seen:
                    todo.append(target)
    assert {"/", "/articles", "/periodicals/labor-action", "/writers/hal-draper"} <= seen
    assert "/static/masthead.css" in seen
    assert f"/articles/{ARTICLE_ID}?revision=1" in seen and f"/api/documents/{ARTICLE_ID}" in seen
    assert sum(p.startswith("/issues/") for p in seen) == 5
    assert sum(p.startswith("/articles/") for p in seen) >= 8


def test_static_css(client: TestClient) -> None:
    r = client.get("/static/masthead.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert "@media print" in r.text and "font-family" in r.text


# -- not found and errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/articles/no/such/article", "There is no article “no/such/article”"),
        (f"/articles/{ARTICLE_ID}?revision=9", "has no revision 9"),
        ("/periodicals/no-such-paper", "no periodical called “no-such-paper”"),
        ("/periodicals/labor-action/1990", "no issues of Labor Action from 1990"),
        ("/issues/999999", "no issue number 999999"),
        ("/issues/not-a-number", "nothing at /issues/not-a-number"),
        ("/writers/nobody", "no writer “nobody”"),
        ("/nothing/here", "nothing at /nothing/here"),
        ("/static/missing.css", "nothing at /static/missing.css"),
    ],
)
def test_not_found_pages_use_the_layout(client: TestClient, path: str, message: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    check_page(r.text)
    assert message in text_of(r.text)
    assert "Traceback" not in r.text
    assert 'href="/"' in r.text


def test_bad_query_on_a_page_is_a_400_page(client: TestClient) -> None:
    r = client.get("/articles?offset=minus-one")
    assert r.status_code == 400
    check_page(r.text)
    assert "Bad request" in r.text


def test_api_not_found_is_json(client: TestClient) -> None:
    for path in (
        "/api/documents/no/such",
        "/api/nothing",
        "/api/periodicals/nope",
        "/api/writers/nope",
        "/api/issues/0",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/json", path
        assert r.json()["status"] == 404 and r.json()["detail"]


class _BrokenStore:
    """A store whose every call fails, to check that errors never leak a traceback."""

    def __getattr__(self, name: str):
        def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError("secret internal detail")

        return fail


def test_server_errors_show_no_traceback() -> None:
    with TestClient(create_app(_BrokenStore()), raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        r = c.get("/")
        assert r.status_code == 500
        assert "Something went wrong" in r.text
        assert "secret internal detail" not in r.text and "Traceback" not in r.text
        r = c.get("/api/periodicals")
        assert r.status_code == 500 and r.json()["status"] == 500
        assert "secret" not in r.text


# -- escaping ---------------------------------------------------------------------------------------------
def test_transcription_text_is_escaped_everywhere(client: TestClient, store: SQLiteStore) -> None:
    evil_slug = next(p.slug for p in store.periodicals() if "Gazette" in p.title)
    writer_slug = next(w.slug for w in store.writers() if "Bad" in w.name)
    gazette_issue = store.issues(evil_slug)[0].id
    for path in (
        "/",
        "/articles",
        "/articles/evil/1949/01/01/script",
        f"/periodicals/{evil_slug}",
        f"/periodicals/{evil_slug}/1949",
        f"/issues/{gazette_issue}",
        f"/writers/{writer_slug}",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script" not in r.text.lower(), path
        assert "<b>Bad</b>" not in r.text, path
        assert EVIL_ESCAPED in r.text, path
        assert "script-src 'none'" in r.headers["content-security-policy"], path
        check_page(r.text)
    page = client.get("/articles/evil/1949/01/01/script").text
    assert "javascript:" not in page
    assert f"Body text {EVIL_ESCAPED} here." in page


def test_error_message_with_markup_is_escaped(client: TestClient) -> None:
    r = client.get("/writers/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404
    assert "<script" not in r.text
    assert EVIL_ESCAPED in r.text


# -- JSON API ---------------------------------------------------------------------------------------------
def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"ok": True, "documents": 7}


def test_api_documents_list(client: TestClient) -> None:
    data = client.get("/api/documents").json()
    assert data["total"] == 7 and data["offset"] == 0 and len(data["documents"]) == 7
    row = next(d for d in data["documents"] if d["id"] == ARTICLE_ID)
    assert row["title"] == TITLE
    assert row["writers"] == ["Irving Howe"]
    assert row["periodical_slug"] == "labor-action" and row["volume"] == 12 and row["issue"] == 10
    assert row["pages"] == "4" and row["revision"] == 2
    assert row["url"] == f"/articles/{ARTICLE_ID}" and row["json_url"] == f"/api/documents/{ARTICLE_ID}"
    page = client.get("/api/documents?limit=2&offset=1").json()
    assert [d["id"] for d in page["documents"]] == [d["id"] for d in data["documents"][1:3]]
    only = client.get("/api/documents?periodical=labor-action").json()["documents"]
    assert len(only) == 4 and all(d["periodical_slug"] == "labor-action" for d in only)
    assert len(client.get("/api/documents?writer=irving-howe").json()["documents"]) == 4
    bad = client.get("/api/documents?limit=0")
    assert bad.status_code == 422 and "limit" in bad.json()["detail"]


def test_api_document_round_trips(client: TestClient) -> None:
    doc = archive_documents()[0]
    r = client.get(f"/api/documents/{ARTICLE_ID}")
    assert r.status_code == 200
    assert Document.from_dict(r.json()) == doc
    old = Document.from_dict(client.get(f"/api/documents/{ARTICLE_ID}?revision=1").json())
    assert old.blocks[1].text == "First draft wording."
    r = client.get(f"/api/documents/{ARTICLE_ID}?revision=7")
    assert r.status_code == 404 and "no revision 7" in r.json()["detail"]


def test_api_catalogue(client: TestClient, store: SQLiteStore) -> None:
    periodicals = client.get("/api/periodicals").json()["periodicals"]
    la = next(p for p in periodicals if p["slug"] == "labor-action")
    assert la == {
        "slug": "labor-action",
        "title": "Labor Action",
        "documents": 4,
        "first_year": 1948,
        "last_year": 1948,
        "url": "/periodicals/labor-action",
    }
    detail = client.get("/api/periodicals/labor-action").json()
    assert detail["years"] == [{"year": 1948, "count": 3}]
    assert [i["heading"] for i in detail["issues"]][:2] == [
        "Vol. 12 No. 10, 8 March 1948",
        "Vol. 12 No. 11, 15 March 1948",
    ]
    assert [d["id"] for d in detail["issues"][0]["documents"]] == [
        "labor-action/1948/03/08/czech-coup",
        ARTICLE_ID,
    ]
    one = client.get(f"/api/issues/{issue_id(store, 'labor-action', 11)}").json()
    assert one["number"] == 11 and [d["title"] for d in one["documents"]] == ["After Prague"]
    writers = client.get("/api/writers").json()["writers"]
    assert {
        "slug": "hal-draper",
        "name": "Hal Draper",
        "documents": 1,
        "url": "/writers/hal-draper",
    } in writers
    howe = client.get("/api/writers/irving-howe").json()
    assert howe["documents"][0]["title"] == "The Czech Coup" and len(howe["documents"]) == 4


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["paths"]["/api/documents"]["get"]["summary"]
    assert "/api/documents/{doc_id}" in spec["paths"]
    assert client.get("/docs").status_code == 200


# -- URL builder and reuse by a static publisher ----------------------------------------------------------
def test_urls_for_the_web_app() -> None:
    u = Urls()
    assert u.home() == "/"
    assert u.periodical("labor-action") == "/periodicals/labor-action"
    assert u.periodical_year("labor-action", 1948) == "/periodicals/labor-action/1948"
    assert u.issue(12) == "/issues/12"
    assert u.writer("hal-draper") == "/writers/hal-draper"
    assert u.writer_by_name(" Hal Draper ") == "/writers/hal-draper"
    assert u.article(ARTICLE_ID) == f"/articles/{ARTICLE_ID}"
    assert u.article(ARTICLE_ID, revision=3) == f"/articles/{ARTICLE_ID}?revision=3"
    assert u.article_json(ARTICLE_ID) == f"/api/documents/{ARTICLE_ID}"
    assert u.static("masthead.css") == "/static/masthead.css"
    assert u.article("a b/c?d#e") == "/articles/a%20b/c%3Fd%23e"
    assert u.writer("x/y") == "/writers/x%2Fy"


def test_urls_for_a_static_site() -> None:
    u = Urls(prefix="../../", suffix="/index.html", json_suffix=".json")
    assert u.home() == "../../index.html"
    assert u.periodical("labor-action") == "../../periodicals/labor-action/index.html"
    assert u.article(ARTICLE_ID) == f"../../articles/{ARTICLE_ID}/index.html"
    assert u.article_json(ARTICLE_ID) == f"../../api/documents/{ARTICLE_ID}.json"
    assert u.static("masthead.css") == "../../static/masthead.css"
    assert u.with_prefix("").issue(3) == "issues/3/index.html"


def test_pages_render_with_relative_urls(store: SQLiteStore) -> None:
    pages = Pages(store, title="Published").with_urls(Urls(prefix="../../", suffix="/index.html"))
    page = pages.issue(issue_id(store, "labor-action", 10))
    assert f'href="../../articles/{ARTICLE_ID}/index.html"' in page
    assert 'href="../../static/masthead.css"' in page
    assert 'href="/' not in page
    with pytest.raises(NotFound, match="no writer"):
        pages.writer("nobody")
