"""OAI-PMH 2.0 over a store: pure functions from request arguments to the XML response.

:func:`respond` answers the six verbs (Identify, ListMetadataFormats, ListSets, ListIdentifiers,
ListRecords, GetRecord) with ``oai_dc`` (simple Dublin Core) records, ``from``/``until`` over the
store's ``updated`` timestamps (second granularity), resumption tokens that encode the offset, the
bounds and the metadata prefix, and the protocol's error codes. The archive has no sets. The web app
serves it at ``/oai`` (:mod:`masthead.web.publish_routes`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from masthead.citation import format_citation
from masthead.export.tei import esc
from masthead.model import Document
from masthead.store import Store

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
"""Each verb's required and optional arguments (``resumptionToken`` is handled apart)."""


@dataclass(frozen=True)
class OAIConfig:
    """What the endpoint says about itself, and how it names and links records."""

    base_url: str = "http://localhost:8000/oai"
    repository_name: str = "Masthead archive"
    admin_email: str = "admin@example.org"
    repository_id: str = "masthead"
    page_size: int = 50
    article_url: Callable[[str], str] | None = None
    publisher: str | None = None

    def identifier(self, doc_id: str) -> str:
        """The OAI identifier of a document: ``oai:masthead:labor-action/1948/...``."""
        return f"oai:{self.repository_id}:{doc_id}"

    def doc_id(self, identifier: str) -> str | None:
        prefix = f"oai:{self.repository_id}:"
        return identifier[len(prefix) :] if identifier.startswith(prefix) and len(identifier) > len(prefix) else None


class OAIError(Exception):
    """An OAI-PMH error condition: ``code`` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- dates ----------------------------------------------------------------------------------------------
def datestamp(updated: str) -> str:
    """A stored ``updated`` timestamp as an OAI datestamp (``YYYY-MM-DDThh:mm:ssZ``)."""
    return updated[:19] + "Z"


def _bound(value: str, *, end: bool) -> tuple[str, str]:
    """An OAI date argument as a text bound over stored timestamps, and its granularity."""
    try:
        if len(value) == 10:
            datetime.strptime(value, "%Y-%m-%d")
            return (value + ("T23:59:59.999999Z" if end else "T00:00:00")), "day"
        if len(value) == 20 and value.endswith("Z"):
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return (value[:19] + (".999999Z" if end else "")), "seconds"
    except ValueError:
        pass
    raise OAIError("badArgument", f"{value!r} is not a date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ form")


# -- resumption tokens ----------------------------------------------------------------------------------
def make_token(offset: int, prefix: str, from_: str | None, until: str | None) -> str:
    """A resumption token: the next offset, the metadata prefix and the date bounds, base64url JSON."""
    raw = json.dumps([offset, prefix, from_, until], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str) -> tuple[int, str, str | None, str | None]:
    """The fields of a token made by :func:`make_token`; ``badResumptionToken`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset, prefix, from_, until = json.loads(raw)
        if not isinstance(offset, int) or offset < 0 or not isinstance(prefix, str):
            raise ValueError(token)
        for v in (from_, until):
            if v is not None and not isinstance(v, str):
                raise ValueError(token)
        return offset, prefix, from_, until
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise OAIError("badResumptionToken", "the resumption token is not one this repository issued") from exc


# -- records --------------------------------------------------------------------------------------------
def dublin_core(doc: Document, *, url: str | None = None, publisher: str | None = None) -> str:
    """``doc`` as an ``oai_dc:dc`` element."""
    src = doc.source
    els = [("title", doc.title or doc.id)]
    els += [("creator", w) for w in doc.writers if w.strip()]
    els += [("contributor", name) for name in dict.fromkeys(c.name for c in doc.credits if c.name.strip())]
    if doc.subtitle:
        els.append(("description", doc.subtitle))
    if src.date:
        els.append(("date", src.date))
    cite = format_citation(src) if (src.periodical or src.date) else src.raw
    if cite:
        els.append(("source", cite))
    if publisher or src.periodical:
        els.append(("publisher", publisher or src.periodical or ""))
    els += [("type", "Text"), ("format", "text/html")]
    if url:
        els.append(("identifier", url))
    els.append(("identifier", doc.id))
    if doc.language:
        els.append(("language", doc.language))
    body = "".join(f"<dc:{k}>{esc(v)}</dc:{k}>" for k, v in els if v)
    return (
        f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}">{body}</oai_dc:dc>'
    )


def _header(config: OAIConfig, doc_id: str, updated: str) -> str:
    return (
        f"<header><identifier>{esc(config.identifier(doc_id))}</identifier>"
        f"<datestamp>{datestamp(updated)}</datestamp></header>"
    )


def _record(store: Store, config: OAIConfig, doc_id: str, updated: str) -> str | None:
    doc = store.get(doc_id)
    if doc is None:
        return None
    url = config.article_url(doc_id) if config.article_url else None
    meta = dublin_core(doc, url=url, publisher=config.publisher)
    return f"<record>{_header(config, doc_id, updated)}<metadata>{meta}</metadata></record>"


def _updated(store: Store, from_: str | None, until: str | None, limit: int, offset: int) -> list[tuple[str, str]]:
    """``(id, updated)`` pages from the store (a generic, slower path for stores without the method)."""
    method = getattr(store, "documents_updated_between", None)
    if method is not None:
        return list(method(from_, until, limit, offset))
    rows = []
    for d in store.list_documents():
        revs = store.revisions(d.id)
        stamp = revs[-1].created if revs else ""
        if (from_ is None or stamp >= from_) and (until is None or stamp <= until):
            rows.append((d.id, stamp))
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows[offset : offset + limit]


def _earliest(store: Store) -> str:
    rows = _updated(store, None, None, 1, 0)
    return datestamp(rows[0][1]) if rows else "1970-01-01T00:00:00Z"


# -- verbs ----------------------------------------------------------------------------------------------
def _identify(store: Store, config: OAIConfig) -> str:
    return (
        f"<Identify><repositoryName>{esc(config.repository_name)}</repositoryName>"
        f"<baseURL>{esc(config.base_url)}</baseURL><protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{esc(config.admin_email)}</adminEmail>"
        f"<earliestDatestamp>{_earliest(store)}</earliestDatestamp>"
        "<deletedRecord>no</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"
    )


def _formats(store: Store, config: OAIConfig, args: Mapping[str, str]) -> str:
    if "identifier" in args:
        doc_id = config.doc_id(args["identifier"])
        if doc_id is None or store.get(doc_id) is None:
            raise OAIError("idDoesNotExist", f"no record {args['identifier']!r}")
    return (
        "<ListMetadataFormats><metadataFormat><metadataPrefix>oai_dc</metadataPrefix>"
        f"<schema>{OAI_DC_SCHEMA}</schema><metadataNamespace>{OAI_DC_NS}</metadataNamespace>"
        "</metadataFormat></ListMetadataFormats>"
    )


def _check_prefix(prefix: str) -> None:
    if prefix != "oai_dc":
        raise OAIError("cannotDisseminateFormat", f"metadata format {prefix!r} is not offered; use oai_dc")


def _list(store: Store, config: OAIConfig, verb: str, args: Mapping[str, str]) -> str:
    if "resumptionToken" in args:
        offset, prefix, from_, until = read_token(args["resumptionToken"])
        _check_prefix(prefix)
    else:
        prefix = args["metadataPrefix"]
        _check_prefix(prefix)
        if "set" in args:
            raise OAIError("noSetHierarchy", "this repository has no sets")
        offset, from_, until = 0, None, None
        granularities = []
        if "from" in args:
            from_, g = _bound(args["from"], end=False)
            granularities.append(g)
        if "until" in args:
            until, g = _bound(args["until"], end=True)
            granularities.append(g)
        if len(set(granularities)) > 1:
            raise OAIError("badArgument", "from and until must have the same granularity")
        if from_ is not None and until is not None and from_ > until:
            raise OAIError("badArgument", "from is later than until")
    size = max(1, config.page_size)
    rows = _updated(store, from_, until, size + 1, offset)
    more = len(rows) > size
    rows = rows[:size]
    if not rows:
        if offset:
            raise OAIError("badResumptionToken", "the resumption token has run past the end of the list")
        raise OAIError("noRecordsMatch", "no records match these arguments")
    items: list[str] = []
    for doc_id, updated in rows:
        if verb == "ListIdentifiers":
            items.append(_header(config, doc_id, updated))
        elif (rec := _record(store, config, doc_id, updated)) is not None:
            items.append(rec)
    if more:
        token = make_token(offset + size, prefix, from_, until)
        items.append(f'<resumptionToken cursor="{offset}">{token}</resumptionToken>')
    elif offset:
        items.append(f'<resumptionToken cursor="{offset}"/>')
    return f"<{verb}>{''.join(items)}</{verb}>"


def _get_record(store: Store, config: OAIConfig, args: Mapping[str, str]) -> str:
    _check_prefix(args["metadataPrefix"])
    doc_id = config.doc_id(args["identifier"])
    rec = None
    if doc_id is not None:
        revs = store.revisions(doc_id)
        if revs:  # the current revision's time is the document's ``updated`` time
            rec = _record(store, config, doc_id, revs[-1].created)
    if rec is None:
        raise OAIError("idDoesNotExist", f"no record {args['identifier']!r}")
    return f"<GetRecord>{rec}</GetRecord>"


def _arguments(params: Mapping[str, str | Sequence[str]]) -> tuple[str | None, dict[str, str]]:
    args: dict[str, str] = {}
    for key, value in params.items():
        values = [value] if isinstance(value, str) else list(value)
        if len(values) != 1:
            raise OAIError("badArgument", f"argument {key!r} is repeated")
        args[key] = values[0]
    return args.pop("verb", None), args


def _check_arguments(verb: str, args: Mapping[str, str]) -> None:
    required, optional = VERBS[verb]
    if "resumptionToken" in args and verb in ("ListIdentifiers", "ListRecords", "ListSets"):
        if len(args) > 1:
            raise OAIError("badArgument", "resumptionToken is an exclusive argument")
        return
    unknown = set(args) - required - optional
    if unknown:
        raise OAIError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
    missing = required - set(args)
    if missing:
        raise OAIError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")


def respond(
    store: Store,
    params: Mapping[str, str | Sequence[str]],
    config: OAIConfig | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """The OAI-PMH response (an XML document) to a request with arguments ``params``.

    ``params`` maps argument names to a value or a list of values (a repeated argument is an error).
    """
    config = config or OAIConfig()
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    verb: str | None = None
    args: dict[str, str] = {}
    try:
        verb, args = _arguments(params)
        if verb is None or verb not in VERBS:
            raise OAIError("badVerb", "no verb given" if verb is None else f"{verb!r} is not an OAI-PMH verb")
        _check_arguments(verb, args)
        if verb == "Identify":
            body = _identify(store, config)
        elif verb == "ListMetadataFormats":
            body = _formats(store, config, args)
        elif verb == "ListSets":
            raise OAIError("noSetHierarchy", "this repository has no sets")
        elif verb == "GetRecord":
            body = _get_record(store, config, args)
        else:
            body = _list(store, config, verb, args)
        attrs = f' verb="{esc(verb)}"' + "".join(f' {k}="{esc(v)}"' for k, v in sorted(args.items()))
    except OAIError as err:
        body = f'<error code="{err.code}">{esc(err.message)}</error>'
        plain = err.code in ("badVerb", "badArgument")
        attrs = (
            "" if plain else f' verb="{esc(verb or "")}"' + "".join(f' {k}="{esc(v)}"' for k, v in sorted(args.items()))
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<OAI-PMH xmlns="{OAI_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        f"<responseDate>{stamp}</responseDate>"
        f"<request{attrs}>{esc(config.base_url)}</request>{body}</OAI-PMH>\n"
    )
