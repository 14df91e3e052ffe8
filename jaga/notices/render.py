"""Render the privacy notice and give it a version that consent events can cite.

The notice's hash covers the rendered Markdown (without its own id line) plus the policy digest, so
that "which text did this person agree to?" has one verifiable answer: re-render the policy and
compare. Markdown is the canonical form whatever format is published, so HTML and Markdown copies of
one notice share one version.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import jinja2

from jaga.errors import JagaError
from jaga.notices import _labels as L
from jaga.notices._labels import LANGS, Lang
from jaga.notices._sections import build_sections
from jaga.policy import Policy, policy_digest

Format = Literal["md", "html"]
FORMATS: tuple[Format, ...] = ("md", "html")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def md_escape(value: Any) -> str:
    """Make policy text inert in Markdown: HTML is entity-escaped and Markdown syntax backslashed.

    Markdown renderers pass raw HTML through, so ``<script>`` in a purpose description must become
    ``&lt;script&gt;`` here exactly as it would in the HTML notice.
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


@cache
def environment(fmt: Format) -> jinja2.Environment:
    """The Jinja2 environment for ``fmt``: autoescaped HTML, or Markdown escaped on every output."""
    loader = jinja2.PackageLoader("jaga.notices", "templates")
    if fmt == "html":
        return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape, trim_blocks=True, lstrip_blocks=True)


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise JagaError(f"unknown notice language {lang!r}", hint="use 'id' (Bahasa Indonesia) or 'en' (English)")
    return lang  # narrowed to the Literal by the membership test


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise JagaError(f"unknown notice format {fmt!r}", hint="use 'md' (Markdown) or 'html'")
    return fmt  # narrowed to the Literal by the membership test


@dataclass(frozen=True)
class RenderedNotice:
    """A notice in one language and format, with the version and hash consent events refer to."""

    lang: Lang
    format: Format
    text: str
    version: str
    sha256: str


def _render(policy: Policy, lang: Lang, fmt: Format, notice_id: str | None) -> str:
    c = policy.controller
    context = {
        "lang": lang,
        "title": L.word("title", lang),
        "controller": c.trade_name or c.legal_name,
        "version_label": L.word("version", lang),
        "version": policy.version,
        "published_label": L.word("published", lang),
        "published": policy.published_on.isoformat() if policy.published_on else None,
        "article_label": L.word("article", lang),
        "notice_label": "Notice id" if lang == "en" else "Kode pemberitahuan",
        "notice_id": notice_id,
        "sections": build_sections(policy, lang),
    }
    return environment(fmt).get_template(f"notice.{fmt}.j2").render(context)


def _hash(policy: Policy, lang: Lang) -> str:
    body = _render(policy, lang, "md", None)
    return hashlib.sha256((body + "\n" + policy_digest(policy)).encode()).hexdigest()


def notice_version(policy: Policy, lang: str) -> str:
    """The id a consent event records: ``<policy version>/<lang>/<first 16 hex of the notice hash>``."""
    checked = check_lang(lang)
    return f"{policy.version}/{checked}/{_hash(policy, checked)[:16]}"


def render_notice(policy: Policy, lang: str = "id", fmt: str = "md") -> RenderedNotice:
    """The privacy notice of ``policy`` in ``lang`` (id|en) and ``fmt`` (md|html), with its version."""
    checked_lang, checked_fmt = check_lang(lang), check_format(fmt)
    digest = _hash(policy, checked_lang)
    version = f"{policy.version}/{checked_lang}/{digest[:16]}"
    text = _render(policy, checked_lang, checked_fmt, version)
    return RenderedNotice(checked_lang, checked_fmt, text, version, digest)
