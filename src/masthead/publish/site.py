"""Build the archive as a static website: :func:`build_site`.

Every page is rendered by :class:`masthead.web.app.Pages` from the web app's own templates, with
:class:`~masthead.web.urls.Urls` whose links are relative to the page's own folder (``../../``), so the
folder works from any path and from ``file://``. Pages live in folders as ``index.html``
(``articles/labor-action/1948/03/08/x/index.html``). Search is Pagefind's: the article pages carry
``data-pagefind-*`` attributes and the build runs the ``pagefind`` package over the output.

Builds are incremental: ``.masthead-build.json`` records each page's input fingerprint (see
:mod:`masthead.publish.plan`), and a rebuild writes only pages whose fingerprint changed and removes the
pages of documents no longer in the store. Every file is written atomically (temporary file, then
:func:`os.replace`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from masthead.glossary.annotate import with_mention_links
from masthead.model import Document
from masthead.publish.downloads import STATIC_DOWNLOADS, export_file, exports
from masthead.publish.feeds import FEED_SIZE, FeedEntry, atom_feed, robots_txt, sitemap_xml
from masthead.publish.glossary_plan import glossary_specs, mention_digests, read_mentions, with_mentions
from masthead.publish.plan import NO_MENTIONS, PageSpec, Plan, article_specs, make_plan, page_path, read_catalogue
from masthead.publish.replan import list_specs
from masthead.render.html import article_body
from masthead.store import Store
from masthead.store.catalogue import now_utc
from masthead.web.app import STATIC, TEMPLATES, Pages
from masthead.web.glossary_routes import article_with_mentions
from masthead.web.publish_routes import install_template_globals
from masthead.web.urls import Urls

MANIFEST = ".masthead-build.json"
MANIFEST_FORMAT = 2
"""2: the glossary's pages are in the manifest and each document's entry ends with its mention digest."""
ASSETS = Path(__file__).parent / "assets"
EXPORT = Path(__file__).parent.parent / "export"
STATIC_FILES = {"masthead.css": STATIC / "masthead.css", "static-search.js": ASSETS / "static-search.js"}
"""The files copied to ``static/`` (the server's ``search.js`` is not: the static site uses Pagefind)."""
STREAM_ABOVE = 200
"""Above this many article pages to render, stream every document rather than fetch one at a time."""

Progress = Callable[[int, int], None]


class PublishError(Exception):
    """A site that cannot be built (one-line message saying how to fix it)."""


@dataclass(slots=True)
class BuildReport:
    """What :func:`build_site` did. Paths are relative to the output folder."""

    out: Path
    pages: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    plan_seconds: float = 0.0
    render_seconds: float = 0.0
    """Wall time of rendering and writing the pages (the writes overlap the rendering on threads)."""
    template_seconds: float = 0.0
    """Of which: time spent producing the pages' HTML (loading documents, templates), without writing."""
    pagefind_seconds: float | None = None
    pagefind_pages: int | None = None
    """HTML pages Pagefind read (it indexes those with ``data-pagefind-body``: the articles)."""
    downloads_written: int = 0
    """Download files (TEI, EPUB, BibTeX...) written beside the article pages."""
    downloads_seconds: float = 0.0
    """Of ``render_seconds``: time spent producing and queueing the download files (the "Cite this" box's
    citations are produced with the page, in ``template_seconds``)."""
    mode: str = "whole site"
    """What was planned: ``whole site``, or ``changed articles only`` when only saved articles' own
    pages could have changed."""
    total_seconds: float = 0.0

    def summary(self) -> str:
        """One line: pages written / unchanged / removed and the times."""
        files = f", {self.downloads_written} download files" if self.downloads_written else ""
        line = (
            f"{self.pages} pages: {len(self.written)} written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed{files} in {self.total_seconds:.2f} s "
            f"(planning {self.plan_seconds:.2f} s, rendering {self.render_seconds:.2f} s"
        )
        if self.pagefind_seconds is not None:
            line += f", Pagefind {self.pagefind_seconds:.2f} s for {self.pagefind_pages} pages"
        return line + ")"


def build_site(
    store: Store,
    out: Path,
    *,
    incremental: bool = True,
    pagefind: bool = True,
    base_url: str | None = None,
    progress: Progress | None = None,
    title: str = "Masthead archive",
    downloads: bool = True,
) -> BuildReport:
    """Write the archive in ``store`` as a static site into ``out`` and return what was done.

    ``incremental`` reuses the previous build's manifest to write only changed pages (``False``
    rewrites every page); ``pagefind`` runs the Pagefind indexer over the site (the search page needs
    it); ``base_url`` makes the sitemap and feed absolute; ``progress(done, total)`` is called while
    pages are written; ``downloads`` gives every article page a "Cite this" box (Chicago and MLA, by
    citeproc-py) and download links, and writes the files they lead to (TEI, EPUB, BibTeX, RIS,
    CSL-JSON, text) under ``export/``. Raises :class:`PublishError` for an unusable output folder or
    missing Pagefind.
    """
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out}: exists and is not a folder; choose another --out")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise PublishError(f"{base_url}: the base URL must start with http:// or https://")
    out.mkdir(parents=True, exist_ok=True)
    report = BuildReport(out=out)
    glossary = hasattr(store, "list_entries") and bool(store.list_entries())  # a "Glossary" link on every page
    salt = _salt(title, base_url if downloads else None, downloads, glossary=glossary)
    old = _read_manifest(out)
    same_salt = incremental and old.get("salt") == salt
    old_pages: dict[str, str] = old.get("pages", {}) if same_salt else {}
    every_old = set(old.get("pages", {}))
    if old.get("downloads") and not downloads:
        shutil.rmtree(out / "export", ignore_errors=True)

    # Every page of the last build still there? (Else the missing ones are rewritten, which needs the whole
    # plan.) Checked on a thread, whose stat() calls overlap the planning.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="masthead-check") as pool:
        check = pool.submit(lambda: bool(old_pages) and all(os.path.isfile(f"{out}/{p}") for p in old_pages))
        quick = _quick_plan(store, salt, old, base_url) if same_salt and old_pages else None
        if quick is not None and not check.result():
            quick = None
        if quick is None:
            plan = make_plan(store, salt, Urls(prefix="", suffix="/index.html", paged_paths=True))
        present = check.result()
    if quick is not None:
        plan, todo, plan_specs = quick
        relisted = any(spec.doc_id is None for spec in plan_specs)  # pages that list a retitled article
        report.mode = "changed articles and their lists" if relisted else "changed articles only"
    else:
        todo = [
            spec
            for path, spec in plan.pages.items()
            if old_pages.get(path) != spec.fingerprint or not present and not os.path.isfile(f"{out}/{path}")
        ]
    report.skipped = plan.skipped
    report.pages = len(plan.pages)
    report.unchanged = len(plan.pages) - len(todo)
    report.plan_seconds = time.perf_counter() - t0

    t1 = time.perf_counter()
    _render_pages(store, out, plan, todo, title, report, progress, downloads, base_url, glossary=glossary)
    report.render_seconds = time.perf_counter() - t1

    for path in sorted(every_old - set(plan.pages)):
        _remove_page(out, path)
        report.removed.append(path)
        if path.startswith("articles/") and old.get("downloads"):
            for ending in STATIC_DOWNLOADS.values():
                _remove_page(out, export_file(path[len("articles/") : -len("/index.html")], ending))

    same_pages = quick is not None or set(plan.pages) == every_old
    same_pages = same_pages and old.get("base_url", "") == (base_url or "")
    feed = _newest(plan) if quick is None else old.get("feed", [])
    _write_extras(store, out, plan, feed, base_url, title, report, sitemap=not same_pages)
    manifest = {
        "format": MANIFEST_FORMAT,
        "salt": salt,
        "base_url": base_url or "",
        "downloads": downloads,
        "pages": {p: s.fingerprint for p, s in plan.pages.items()},
        "docs": plan.docs,
        "feed": feed,
        "skipped": plan.skipped,
        "indexed": False,
    }
    stale = report.written or report.removed or not old.get("indexed", False)
    if pagefind and (stale or not (out / "pagefind" / "pagefind.js").is_file()):
        _write_manifest(out, manifest)  # says "not indexed" until Pagefind has finished
        t2 = time.perf_counter()
        report.pagefind_pages = run_pagefind(out)
        report.pagefind_seconds = time.perf_counter() - t2
        manifest["indexed"] = True
    elif pagefind:
        manifest["indexed"] = True
    if manifest != old:
        _write_manifest(out, manifest)
    report.total_seconds = time.perf_counter() - t0
    return report


QUICK_LIMIT = 500
"""At most this many saved articles are re-planned one by one; more, and the whole site is planned."""


def _quick_plan(
    store: Store, salt: str, old: dict[str, Any], base_url: str | None
) -> tuple[Plan, list[PageSpec], list[PageSpec]] | None:
    """The plan of a rebuild in which only already-published articles were saved, none of them moved (same
    issue, writers, date: :func:`~masthead.publish.plan.place_key`): the previous manifest's pages, with
    the saved articles' pages re-planned, and, for those whose title, subtitle or pages changed, the
    pages that list them (:func:`~masthead.publish.replan.list_specs`). None when the whole site must be
    planned: documents added or deleted or moved, many saves, another base URL, or a store without the
    publishing queries. (The caller has checked that every page of the last build is there.)

    Which documents were saved is read from the documents' ``(revision, updated)`` stamps, not from
    the store's change feed: the search index prunes the feed once it has applied it."""
    stamps_of = getattr(store, "document_stamps", None)
    known: dict[str, str] = old.get("docs") or {}
    if stamps_of is None or not known or old.get("base_url", "") != (base_url or ""):
        return None
    stamps = stamps_of()
    if len(stamps) != len(known):
        return None
    mention_rows = read_mentions(store)
    digests = mention_digests(mention_rows)
    saved = []  # saved, or linked to the glossary again (its mentions changed)
    for doc_id, (revision, updated) in stamps.items():
        was = known.get(doc_id)
        if was is None:
            return None
        if not was.startswith(f"{revision} {updated} ") or not was.endswith(" " + digests.get(doc_id, NO_MENTIONS)):
            saved.append(doc_id)
    if len(saved) > QUICK_LIMIT:
        return None
    pages: dict[str, str] = old["pages"]
    rows = read_catalogue(store, saved)
    if len(rows) != len(saved):
        return None
    found = article_specs(store, salt, rows, known, digests)
    if found is None:
        return None
    specs, articles, relisted, entries = found
    if relisted:
        specs.update(list_specs(store, salt, relisted, Urls(prefix="", suffix="/index.html", paged_paths=True)))
    replanned = list(specs.values())
    specs.update(glossary_specs(store, salt, mention_rows, stamps))  # planned in full: gone entries drop out
    plan = Plan(
        pages={p: PageSpec(p, fp) for p, fp in pages.items() if not p.startswith("glossary/")},
        articles=articles,
        summaries=[r.summary for r in rows],
        skipped=list(old.get("skipped", [])),
        docs=dict(known),
    )
    plan.docs.update(entries)
    todo = [spec for path, spec in specs.items() if pages.get(path) != spec.fingerprint]
    plan.pages.update(specs)
    return plan, todo, replanned


def _newest(plan: Plan) -> list[str]:
    """The ids of the articles the feed lists: the newest added first."""
    return sorted(plan.articles, key=lambda i: (plan.created.get(i, ""), i), reverse=True)[:FEED_SIZE]


# -- rendering ---------------------------------------------------------------------------------------------
def _render_pages(
    store: Store,
    out: Path,
    plan: Plan,
    todo: list[Any],
    title: str,
    report: BuildReport,
    progress: Progress | None,
    downloads: bool = False,
    base_url: str | None = None,
    *,
    glossary: bool = False,
) -> None:
    base = Pages(store, title=title, search_enabled=True, static_site=True)
    base.env.globals["glossary_nav"] = glossary
    base.env.auto_reload = False  # templates do not change during a build: no stat() per page
    base.env.bytecode_cache = jinja2.FileSystemBytecodeCache()  # compiled templates, keyed by their source
    if downloads:
        install_template_globals(base.env, downloads=True)
        base.env.globals["export_downloads"] = list(STATIC_DOWNLOADS.items())
    # The catalogue already counted each article's words when it was saved: no count per page.
    words = {doc_id: ctx.summary.words for doc_id, ctx in plan.articles.items()}
    base.env.globals["word_count_of"] = lambda doc: words.get(doc.id) or doc.word_count()
    by_depth: dict[int, Pages] = {}

    def pages_at(path: str) -> Pages:
        depth = path.count("/")
        if depth not in by_depth:
            by_depth[depth] = base.with_urls(Urls(prefix="../" * depth, suffix="/index.html", paged_paths=True))
        return by_depth[depth]

    total = len(todo)
    done = 0
    with _Writer() as writer:
        mark = time.perf_counter()

        def wrote(path: str, html: str) -> None:
            nonlocal done, mark
            report.template_seconds += time.perf_counter() - mark
            writer.write(out / path, html)
            report.written.append(path)
            done += 1
            if progress is not None and (done % 500 == 0 or done == total):
                progress(done, total)
            mark = time.perf_counter()

        def export_files(doc: Document) -> None:
            nonlocal mark
            start = time.perf_counter()
            for data, path in exports(store, doc, base_url):
                writer.write(out / path, data)
                report.downloads_written += 1
            mark = time.perf_counter()
            report.downloads_seconds += mark - start

        _render_all(store, plan, todo, pages_at, wrote, export_files if downloads else None)


class _Writer:
    """Writes files on a few threads while the main thread renders (the file system calls release the
    GIL); at most ``limit`` pages wait in memory. The first write error is raised on exit."""

    def __init__(self, threads: int = 4, limit: int = 64) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="masthead-write")
        self.slots = threading.BoundedSemaphore(limit)
        self.futures: list[Future[None]] = []

    def write(self, path: Path, html: str | bytes) -> None:
        self.slots.acquire()
        future = self.pool.submit(self._write, path, html)
        future.add_done_callback(lambda _: self.slots.release())
        self.futures.append(future)

    @staticmethod
    def _write(path: Path, html: str | bytes) -> None:
        try:
            write_atomic(path, html, mkdir=False)
        except FileNotFoundError:  # a new folder
            write_atomic(path, html)

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True)
        for future in self.futures:
            future.result()


def _render_all(
    store: Store,
    plan: Plan,
    todo: list[Any],
    pages_at: Callable[[str], Pages],
    wrote: Callable[[str, str], None],
    export_files: Callable[[Document], None] | None = None,
) -> None:
    article_specs = {spec.doc_id: spec for spec in todo if spec.doc_id is not None}
    for spec in todo:
        if spec.doc_id is None and spec.render is not None:
            wrote(spec.path, spec.render(pages_at(spec.path)))
    for doc, mentions in with_mentions(store, _documents(store, list(article_specs))):
        spec = article_specs.get(doc.id)
        if spec is None:
            continue
        ctx = plan.articles[doc.id]
        page = pages_at(spec.path)
        if mentions is None:  # a store that cannot read them in bulk
            linked = article_with_mentions(store, doc, ctx.summary.revision, page.urls)  # glossary links
        else:
            linked = with_mention_links(doc, mentions, page.urls.entry) if mentions else doc
        html = page.article_page(
            doc,
            body=static_body(article_body(linked)),
            periodical=ctx.periodical,
            issue=ctx.issue,
            writers=list(ctx.writers),
            revision=ctx.summary.revision,
            revisions=[],
        )
        wrote(spec.path, html)
        if export_files is not None:
            export_files(doc)


_ANCHOR = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)
_KEEP = re.compile(r"(?i)^(?:https?:|mailto:|#|(?:\.\./)*glossary/[a-z0-9-]+/index\.html$)")


def static_body(html: str) -> str:
    """An article body with the transcription's relative links (to pages of the site it was transcribed
    from, such as MIA's ``../../1867-c1/ch15.htm``, which do not exist in this archive) written as
    ``<span class="link" data-href>``: the target is kept, but no link leads nowhere. Web links,
    ``mailto:``, in-page ``#`` links and links to the site's own glossary pages are kept as links."""

    def fix(m: re.Match[str]) -> str:
        if _KEEP.match(m.group(1)):
            return m.group(0)
        return f'<span class="link" data-href="{m.group(1)}"{m.group(2)}>{m.group(3)}</span>'

    return _ANCHOR.sub(fix, html) if "<a " in html else html


def _documents(store: Store, ids: list[str]) -> Iterator[Document]:
    """The current documents with these ids (streamed from the store when there are many)."""
    if len(ids) > STREAM_ABOVE:
        wanted = set(ids)
        rows = getattr(store, "iter_document_json", None)
        if rows is not None:  # parse only the wanted documents
            for doc_id, text in rows():
                if doc_id in wanted:
                    yield Document.from_json(text)
            return
        for doc in store.iter_documents():
            if doc.id in wanted:
                yield doc
        return
    for doc_id in ids:
        doc = store.get(doc_id)
        if doc is not None:
            yield doc


# -- sitemap, feed, robots, static assets ----------------------------------------------------------------
def _write_extras(
    store: Store,
    out: Path,
    plan: Plan,
    feed: list[str],
    base_url: str | None,
    title: str,
    report: BuildReport,
    *,
    sitemap: bool = True,
) -> None:
    """Write the feed (of the articles ``feed`` names), ``robots.txt`` and the static assets where they
    changed, and the sitemap when ``sitemap`` (the set of pages or the base URL changed, or it is missing)."""
    summaries = {d.id: d for d in plan.summaries}
    missing = [i for i in feed if i not in summaries]
    if missing:
        summaries.update((r.summary.id, r.summary) for r in read_catalogue(store, missing))
    entries = []
    for doc_id in feed:
        if doc_id not in summaries:
            continue
        revs = store.revisions(doc_id)
        first = revs[0].created if revs else plan.created.get(doc_id, now_utc())
        last = revs[-1].created if revs else first
        path = page_path(Urls(prefix="", suffix="/index.html").article(doc_id))
        entries.append(FeedEntry(summaries[doc_id], path, first, last))
    files = {
        "feed.xml": atom_feed(entries, title=title, base_url=base_url, updated=now_utc()),
        "robots.txt": robots_txt(base_url),
    }
    if sitemap or not (out / "sitemap.xml").is_file():
        files["sitemap.xml"] = sitemap_xml(plan.pages, base_url)
    for name, text in files.items():
        if _write_if_changed(out / name, text.encode("utf-8")):
            report.files_written.append(name)
    for name, src in STATIC_FILES.items():
        if _write_if_changed(out / "static" / name, src.read_bytes()):
            report.files_written.append(f"static/{name}")


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


# -- Pagefind ------------------------------------------------------------------------------------------------
def run_pagefind(out: Path) -> int:
    """Index every HTML page under ``out`` with Pagefind into ``out/pagefind`` (replacing the old index);
    returns the number of pages indexed. Raises :class:`PublishError` when Pagefind is missing."""
    try:
        from pagefind.index import IndexConfig, PagefindIndex
        from pagefind.service import get_executable
    except ImportError as exc:
        raise PublishError(
            "the pagefind package is not installed: pip install 'pagefind[bin]', or --no-search"
        ) from exc
    if get_executable() is None:
        raise PublishError("the Pagefind binary is missing: pip install 'pagefind[bin]', or build with --no-search")
    out = out.resolve()
    tmp = out / ".pagefind-new"
    shutil.rmtree(tmp, ignore_errors=True)

    async def index() -> int:
        config = IndexConfig(keep_index_url=True, output_path=str(tmp))
        async with PagefindIndex(config=config) as idx:
            result = await idx.add_directory(str(out), glob="**/*.html")
        return int(result.get("page_count", 0))

    try:
        count = asyncio.run(index())
    except Exception as exc:  # the service reports errors as assertion failures or OSErrors
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(f"Pagefind failed to index {out}: {exc or type(exc).__name__}") from exc
    old = out / ".pagefind-old"
    shutil.rmtree(old, ignore_errors=True)
    if (out / "pagefind").exists():
        os.replace(out / "pagefind", old)
    os.replace(tmp, out / "pagefind")
    shutil.rmtree(old, ignore_errors=True)
    return count


# -- files -----------------------------------------------------------------------------------------------------
def write_atomic(path: Path, data: str | bytes, *, mkdir: bool = True) -> None:
    """Write a file so that readers see the old or the new content, never a part (temp file + replace).

    ``mkdir=False`` when the caller knows the folder exists."""
    if mkdir:
        path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = f"{path.parent}/.{path.name}.{os.getpid()}-{threading.get_ident()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_page(out: Path, rel: str) -> None:
    """Delete a page and the folders it leaves empty (never the output folder itself)."""
    path = out / rel
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    folder = path.parent
    root = out.resolve()
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("pages"), dict):
        return {}
    return data


def _write_manifest(out: Path, data: dict[str, Any]) -> None:
    write_atomic(out / MANIFEST, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _salt(title: str, base_url: str | None = None, downloads: bool = False, *, glossary: bool = False) -> str:
    """A hash of everything that shapes every page: templates, the package version, the site title,
    whether pages have downloads (whose files name the ``base_url``) and whether the site has a
    glossary (linked from every page). A change to any of them makes the next build rewrite every page."""
    from masthead import __version__

    h = hashlib.blake2b(digest_size=12)
    h.update(f"{__version__}\0{title}\0{downloads}\0{base_url or ''}\0{'glossary' if glossary else ''}\0".encode())
    for path in sorted(TEMPLATES.glob("*.html")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    modules = ["render/html.py", "web/app.py", "web/urls.py", "publish/plan.py", "publish/replan.py", "publish/site.py"]
    modules += ["publish/glossary_plan.py", "web/glossary_routes.py", "glossary/annotate.py"]
    if downloads:
        modules += ["publish/downloads.py", "web/publish_routes.py"]
        modules += [f"export/{p.name}" for p in sorted(EXPORT.glob("*.py"))]
    for module in modules:
        h.update((Path(__file__).parent.parent / module).read_bytes())
    return h.hexdigest()
