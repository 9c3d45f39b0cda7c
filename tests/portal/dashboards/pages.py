"""Reading a dashboard page the way a test checks it: its tables as rows, its charts as SVG."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
TAG = re.compile(r"<[^>]+>")


def text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def table(page: str, table_id: str) -> list[list[str]]:
    """The body rows of the table `table_id`, each as its cells' text (row header first)."""
    found = re.search(rf'<table id="{table_id}".*?</table>', page, re.DOTALL)
    assert found, f"no table {table_id}"
    body = re.search(r"<tbody>(.*?)</tbody>", found.group(0), re.DOTALL)
    assert body
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)
    ]


def chart(page: str, identifier: str) -> tuple[ET.Element, dict[str, str]]:
    """The chart figure `identifier`: its SVG, and its figures table as {label: value}."""
    found = re.search(rf'<figure class="chart[^"]*" id="{identifier}">(.*?)</figure>', page, re.DOTALL)
    assert found, f"no chart {identifier}"
    svg = re.search(r"<svg.*?</svg>", found.group(1), re.DOTALL)
    assert svg, f"chart {identifier} has no SVG"
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', found.group(1), re.DOTALL)
    return ET.fromstring(svg.group(0)), {text(label): text(value) for label, value in rows}


def bars(svg: ET.Element) -> list[tuple[str, str, str]]:
    """(label, value shown, colour) of each bar of a bar chart, in order."""
    texts = [t.text or "" for t in svg.findall(f"{SVG}text")]
    fills = [r.get("fill", "") for r in svg.findall(f"{SVG}rect")]
    return list(zip(texts[0::2], texts[1::2], fills, strict=True))


def heading(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
    assert found
    return text(found.group(1))
