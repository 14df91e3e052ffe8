"""The public privacy centre: read the notice, make and verify a request, follow it, manage consent.

Mounted at ``/`` by :func:`jaga.web.app.create_web_app`; the pages only call the domain modules.
"""

from jaga.web.centre.routes import AUTO_RIGHTS, router

__all__ = ["AUTO_RIGHTS", "router"]
