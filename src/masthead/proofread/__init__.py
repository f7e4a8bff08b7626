"""The proofreader: passes over a document's view text that report :class:`~masthead.proofread.findings.Finding`."""
