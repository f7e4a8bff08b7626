"""Renderers: a Document back to text, Markdown or HTML (each readable again by its reader)."""
