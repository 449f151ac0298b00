"""User text into terminals, HTML and Markdown: shown as typed, never obeyed."""

from __future__ import annotations

import html
import json
import re

import pytest

from uat.text import json_for_html, markdown_code, markdown_text, printable


def test_printable_escapes_every_control_character_and_keeps_the_rest() -> None:
    text = "".join(map(chr, range(0x00, 0x2070)))
    shown = printable(text)
    # no C0 (but tab, newline), DEL, C1 or bidi override survives; the escapes say which
    left = {c for c in shown if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F}
    assert left == {"\t", "\n"}
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", shown)
    assert printable("a\x1b]52;c;aGk=\x07b") == "a\\x1b]52;c;aGk=\\x07b"
    assert printable("\u202e") == "\\u202e"
    assert printable("sin(x) ≤ ε — ü") == "sin(x) ≤ ε — ü"


@pytest.mark.parametrize(
    "value", ["<!--<script>", "</script><script>alert(1)</script>", "a & b \u2028 \u2029 ]]> >"]
)
def test_json_for_html_is_the_same_data_with_nothing_to_end_a_block(value: str) -> None:
    data = {"name": value, "list": [value, 1.5]}
    text = json_for_html(data)
    assert json.loads(text) == data  # what JSON.parse reads back
    assert not re.search("[<>&\u2028\u2029]", text)


def test_markdown_text_reads_back_as_typed_and_holds_no_markup() -> None:
    typed = (
        '1. <b onclick="x">[link](javascript:1)</b> ![i](x.png) `c` *e* _u_ # h | t ~s~ \\ &amp;'
    )
    shown = markdown_text(typed)
    assert html.unescape(shown) == typed  # an entity-decoding reader sees the text typed
    assert not re.search(r"[<>\[\]`*_#|~\\&]", re.sub(r"&#\d+;", "", shown))
    assert not re.match(r"\d+\.", shown)  # no list
    assert markdown_text("a\n\n# b\n- c") == "a &#35; b - c"  # one paragraph
    assert markdown_text("- item").startswith("&#45;")


def test_markdown_code_cannot_be_closed_from_inside() -> None:
    lines = markdown_code("a ```` b\n```\n<x>", "sh")
    fence = lines[0].removesuffix("sh")
    assert set(fence) == {"`"} and len(fence) == 5 and lines[-1] == fence
    assert fence not in lines[1]
