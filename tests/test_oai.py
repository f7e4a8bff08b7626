"""OAI-PMH: the protocol's verbs and errors as pure functions over a store, and a whole-archive harvest
by a maintained harvester (oaipmh-scythe) from the real server, in small pages so that resumption
tokens are followed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from lxml import etree
from oaipmh_scythe import HTTPConfig, Scythe

from masthead.export.oai import OAIConfig, make_token, read_token, respond
from masthead.model import Credit, Document, Source
from masthead.store.sqlite import SQLiteStore
from masthead.web.app import create_app
from serving import free_port

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
COUNT = 23


def documents() -> list[Document]:
    return [
        Document(
            id=f"labor-action/1948/{i:02d}/article-{i}",
            title=f"Article {i}",
            writers=("Max Shachtman",) if i % 2 else (),
            source=Source(periodical="Labor Action", volume=12, issue=i, date=f"1948-{(i % 12) + 1:02d}-08"),
            credits=(Credit("transcribed", "Einde O’Callaghan"),),
        )
        for i in range(COUNT)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(str(tmp_path / "oai.db"))
    for doc in documents():
        s.save(doc)
    yield s
    s.close()


def xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def error_code(text: str) -> str | None:
    err = xml(text).find("o:error", NS)
    return err.get("code") if err is not None else None


def config(page_size: int = 10) -> OAIConfig:
    return OAIConfig(base_url="http://x/oai", page_size=page_size, article_url=lambda i: f"http://x/articles/{i}")


def test_identify_and_formats(store: SQLiteStore) -> None:
    root = xml(respond(store, {"verb": "Identify"}, config()))
    ident = root.find("o:Identify", NS)
    assert ident.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert ident.findtext("o:baseURL", namespaces=NS) == "http://x/oai"
    assert ident.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert ident.findtext("o:earliestDatestamp", namespaces=NS).endswith("Z")
    formats = xml(respond(store, {"verb": "ListMetadataFormats"}, config()))
    assert formats.findtext(".//o:metadataPrefix", namespaces=NS) == "oai_dc"
    one = "oai:masthead:" + documents()[0].id
    assert error_code(respond(store, {"verb": "ListMetadataFormats", "identifier": one}, config())) is None
    assert error_code(respond(store, {"verb": "ListMetadataFormats", "identifier": "oai:x:y"}, config())) == (
        "idDoesNotExist"
    )


def test_get_record_dublin_core(store: SQLiteStore) -> None:
    doc = documents()[1]
    root = xml(
        respond(
            store, {"verb": "GetRecord", "identifier": f"oai:masthead:{doc.id}", "metadataPrefix": "oai_dc"}, config()
        )
    )
    rec = root.find("o:GetRecord/o:record", NS)
    assert rec.findtext("o:header/o:identifier", namespaces=NS) == f"oai:masthead:{doc.id}"
    dc = rec.find("o:metadata/{*}dc", NS)
    values = {}
    for el in dc:
        values.setdefault(etree.QName(el).localname, []).append(el.text)
    assert values["title"] == ["Article 1"] and values["creator"] == ["Max Shachtman"]
    assert values["date"] == ["1948-02-08"] and values["type"] == ["Text"] and values["language"] == ["en"]
    assert values["source"] == ["Labor Action, Vol. 12 No. 1, 8 February 1948"]
    assert f"http://x/articles/{doc.id}" in values["identifier"]
    assert values["contributor"] == ["Einde O’Callaghan"]


def test_errors(store: SQLiteStore) -> None:
    cases = [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2020-01-02T00:00:00Z"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-02", "until": "2020-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "1990-01-01"}, "noRecordsMatch"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "x"}, "noSetHierarchy"),
        ({"verb": "ListSets"}, "noSetHierarchy"),
        ({"verb": "ListRecords", "resumptionToken": "garbage!"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": make_token(10, "oai_dc", None, None), "from": "2020-01-01"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": make_token(500, "oai_dc", None, None)}, "badResumptionToken"),
        ({"verb": "GetRecord", "identifier": "oai:masthead:nope", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
        (
            {"verb": "GetRecord", "identifier": "oai:masthead:" + documents()[0].id, "metadataPrefix": "x"},
            "cannotDisseminateFormat",
        ),
    ]
    for params, code in cases:
        assert error_code(respond(store, params, config())) == code, params
    # badVerb and badArgument responses echo no arguments in <request>.
    assert xml(respond(store, {"verb": "Dance"}, config())).find("o:request", NS).attrib == {}


def test_token_round_trip() -> None:
    token = make_token(50, "oai_dc", "2020-01-01T00:00:00", None)
    assert read_token(token) == (50, "oai_dc", "2020-01-01T00:00:00", None)


def test_paging_and_date_ranges(store: SQLiteStore) -> None:
    ids: list[str] = []
    params: dict = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    pages = 0
    while True:
        root = xml(respond(store, params, config(page_size=10)))
        ids += [h.text for h in root.findall(".//o:header/o:identifier", NS)]
        pages += 1
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        params = {"verb": "ListIdentifiers", "resumptionToken": token.text}
    assert pages == 3 and len(ids) == len(set(ids)) == COUNT
    # from/until over the stored ``updated`` times: a range after every save is empty, one around all is full.
    stamps = sorted(u for _, u in store.documents_updated_between(None, None, 1000, 0))
    first_day = stamps[0][:10]
    everything = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": first_day, "until": "2999-01-01"}
    assert len(xml(respond(store, everything, config(100))).findall(".//o:header", NS)) == COUNT
    later = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01T00:00:00Z"}
    assert error_code(respond(store, later, config())) == "noRecordsMatch"
    # A document saved again gets a later datestamp: a harvest from that second finds it.
    doc = documents()[0].replace(title="Changed")
    time.sleep(1.05)
    store.save(doc)
    newest = store.documents_updated_between(None, None, 1000, 0)[-1]
    since = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": newest[1][:19] + "Z"}
    found = [h.text for h in xml(respond(store, since, config())).findall(".//o:header/o:identifier", NS)]
    assert found == [f"oai:masthead:{doc.id}"]


def test_web_endpoint_get_and_post(store: SQLiteStore) -> None:
    with TestClient(create_app(store)) as c:
        r = c.get("/oai", params={"verb": "Identify"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
        assert xml(r.text).findtext(".//o:baseURL", namespaces=NS) == "http://testserver/oai"
        r = c.post(
            "/oai",
            content="verb=ListIdentifiers&metadataPrefix=oai_dc",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert len(xml(r.text).findall(".//o:header", NS)) == COUNT


def test_scythe_harvests_the_whole_archive_from_the_real_server(store: SQLiteStore) -> None:
    app = create_app(store, title="Test archive")
    app.state.oai_page_size = 5  # five pages of records: the harvester must follow four tokens
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        with Scythe(f"http://127.0.0.1:{port}/oai", http_config=HTTPConfig(timeout=10)) as scythe:
            identify = scythe.identify()
            assert identify.repositoryName == "Test archive"
            records = list(scythe.list_records(metadata_prefix="oai_dc"))
            headers = list(scythe.list_identifiers(metadata_prefix="oai_dc"))
            one = scythe.get_record(identifier=f"oai:masthead:{documents()[3].id}", metadata_prefix="oai_dc")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert len(records) == COUNT and len(headers) == COUNT
    harvested = {r.header.identifier for r in records}
    assert harvested == {f"oai:masthead:{d.id}" for d in documents()}
    titles = sorted(r.metadata["title"][0] for r in records)
    assert titles == sorted(d.title for d in documents())
    assert all(r.metadata["type"] == ["Text"] for r in records)
    assert one.metadata["title"] == ["Article 3"]
