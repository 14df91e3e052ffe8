"""The web shell: the public privacy centre (``/``), the staff console (``/console``) and the JSON API (``/api``).

Server-rendered Jinja2 pages that work without JavaScript; the shared safety measures (CSRF, rate limits,
signed links, language, error pages) live in :mod:`jaga.web._common`.
"""

from jaga.web._common import WebConfig
from jaga.web.app import create_web_app

__all__ = ["WebConfig", "create_web_app"]
