"""What a keyboard or screen-reader user needs from a form page, checked on the HTML itself: every
field has its label, every radio is in a fieldset with a legend, every link of the error summary
leads to an element that can take the focus."""

from __future__ import annotations

from html.parser import HTMLParser

FOCUSABLE = {"input", "select", "textarea", "button", "a"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, tuple[str, dict[str, str]]] = {}
        self.labelled: set[str] = set()
        self.fields: list[tuple[str, dict[str, str]]] = []
        self.fieldsets: list[bool] = []  # one per open fieldset: has its legend been seen?
        self.radios_outside: list[str] = []
        self.summary_links: list[str] = []
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] = (tag, a)
        if tag == "label" and "for" in a:
            self.labelled.add(a["for"])
        if tag == "fieldset":
            self.fieldsets.append(False)
        if tag == "legend" and self.fieldsets:
            self.fieldsets[-1] = True
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.fields.append((tag, a))
            if a.get("type") == "radio" and not (self.fieldsets and self.fieldsets[-1]):
                self.radios_outside.append(a.get("id", a.get("name", "?")))
        if tag == "div" and "error-summary" in a.get("class", ""):
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(a.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        if tag == "div" and self._in_summary:
            self._in_summary -= 1


def problems(html: str) -> list[str]:
    """What is wrong with the page for a keyboard or screen-reader user (empty: nothing)."""
    found = _Page()
    found.feed(html)
    wrong = []
    for tag, attrs in found.fields:
        if attrs.get("id", "") not in found.labelled:
            wrong.append(f"{tag} {attrs.get('name')} has no label")
    wrong += [f"radio {r} is not in a fieldset with a legend" for r in found.radios_outside]
    for href in found.summary_links:
        target = found.ids.get(href.removeprefix("#"))
        if not href.startswith("#") or target is None:
            wrong.append(f"the error summary links to {href}, which is not on the page")
        elif target[0] not in FOCUSABLE and "tabindex" not in target[1]:
            wrong.append(f"the error summary links to {href}, a {target[0]} that cannot take the focus")
    return wrong
