"""The web app: server-rendered HTML pages and a JSON API over a store (see :mod:`masthead.web.app`)."""

from masthead.web.app import NotFound, Pages, create_app
from masthead.web.urls import Urls

__all__ = ["NotFound", "Pages", "Urls", "create_app"]
