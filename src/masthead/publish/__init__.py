"""Publishing the archive: a static website (:func:`build_site`) any web host can serve."""

from masthead.publish.site import BuildReport, PublishError, build_site

__all__ = ["BuildReport", "PublishError", "build_site"]
