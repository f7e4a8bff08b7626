"""Masthead: transcriptions of historical periodicals in, a structured, searchable archive out."""

from masthead.model import Block, Credit, Document, Mark, Note, Provenance, Source

__version__ = "0.1.0"
__all__ = ["Block", "Credit", "Document", "Mark", "Note", "Provenance", "Source", "__version__"]
