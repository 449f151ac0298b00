"""User text into terminals, pages and Markdown: shown as typed, never obeyed.

A file name, an expression, a spec's caption or a network's target is data. Written into a
terminal it must not move the cursor, retitle the window or write the clipboard (OSC 52);
into HTML it must not end or open a block; into Markdown it must not become HTML or a link.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that
# reorder what a reader sees (U+202A–U+202E, U+2066–U+2069)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (ESC as \\x1b): safe to print."""
    return _CONTROL.sub(_escaped, text)


# characters that could end the <script> block or open a comment or markup inside it, and
# the two line separators that end a JavaScript string literal in older engines
_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}  # fmt: skip
_HTML_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def json_for_html(data: Any) -> str:
    """`data` as JSON to embed in an HTML <script> block: no `<`, `>`, `&`, U+2028 or
    U+2029 appears literally (they become \\u escapes, the same string to JSON.parse), so no
    `</script>`, `<!--` or `<script` in user text can end the block or hide the page's script.
    """
    text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    return _HTML_UNSAFE_RE.sub(lambda m: _HTML_UNSAFE[m.group()], text)


# what Markdown or HTML would act on: markup, entities, links, images, code, emphasis,
# headings, tables; and, at the start of a paragraph, a list or a heading underline
_MARKDOWN_UNSAFE = re.compile(r"[&<>\"'\[\]`\\#*_~|!]|^[-+=]|^\d(?=\d*[.)](\s|$))")


def markdown_text(text: str) -> str:
    """User text for a Markdown document: entity-escaped, so it shows as typed and never
    becomes HTML, a link, an image or code; one paragraph (line breaks become spaces) so it
    cannot open a heading, a list or a fence."""
    flat = " ".join(printable(str(text)).split())
    return _MARKDOWN_UNSAFE.sub(lambda m: f"&#{ord(m.group())};", flat)


def markdown_code(text: str, language: str = "") -> list[str]:
    """Lines of a fenced Markdown code block showing `text` as typed: the fence is longer
    than any run of backticks inside it, so no line of `text` can close it."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, printable(text), fence]
