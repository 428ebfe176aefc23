"""HTML (a web page or an MHT's page saved as .doc) made safe for LibreOffice to open: nothing left to fetch.

LibreOffice fetches what a page refers to while it converts it: a linked
stylesheet, a CSS ``url()`` (an inline background), an image.  Its own
"block untrusted links" setting stops images only, so every reference goes
before the page reaches it: an attacker's page could otherwise make this
machine request any address it can reach (request forgery), stall the
conversion on an address that never answers, or read a local file (a
relative ``src`` resolves beside the staged copy, and ``../`` leads anywhere,
``/dev/zero`` included).  Only the text matters to jixiao, so nothing a page
refers to is needed: every URL-valued attribute is removed (a reference
inside the page, ``#name``, is kept), and so is a ``meta`` refresh's
target; CSS (``style`` elements and attributes) that names a URL loses
every declaration and rule that does, read by tinycss2, a CSS parser.

Only the start tags and styles that change are rewritten; every other byte
stays as it was, because LibreOffice reads the misnested markup it and Word
write in its own way (a browser's parse and re-serialisation moves a table of
contents' page numbers out of their links).  The tags are found by the
standard library's HTML tokenizer; then html5lib, a parser that follows the
HTML standard, reads the result, and if it still finds anything to fetch
(markup the two read differently) the page is html5lib's sanitised
serialisation instead."""

from __future__ import annotations

import codecs
import html
import html.parser
import xml.etree.ElementTree as ElementTree

import html5lib
import tinycss2

# Attributes that hold a URL (HTML, SVG's href and xlink:href, old IE and Netscape extensions).
_URL_ATTRIBUTES = frozenset(
    "action archive background cite classid code codebase data dynsrc formaction href icon imagesrc imagesrcset "
    "longdesc lowsrc manifest ping poster profile src srcdoc srcset usemap".split()
)
# CSS functions whose arguments are URLs (a bare string is one in image-set()).
_CSS_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"})


class HtmlError(ValueError):
    """The page cannot be read as HTML."""


def offline_html(data: bytes, charset: str | None = None) -> bytes:
    """``data`` without anything LibreOffice could fetch.

    ``charset`` is the encoding said outside the page (an MHT part's
    header); a page that declares none gets it declared in front.
    """
    # The tokenizer needs text: latin-1 maps bytes one to one, and tags are ASCII in every encoding a page
    # may use bar UTF-16, so the bytes come back unchanged.
    codec = "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "latin-1"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise HtmlError(f"not readable as HTML ({error})") from None
    edited = _Editor().edit(text)
    if _fetches(html5lib.parse(edited, namespaceHTMLElements=False)):
        edited = _sanitised(text)
    page = edited.encode(codec, "replace")  # html5lib's U+FFFD for a NUL byte
    if charset and codec == "latin-1" and not _declares_charset(edited):
        # the charset was only in the MIME header: say it where LibreOffice looks
        page = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'.encode() + page
    return page


def _url_attribute(name: str, value: str, tag: str, attributes: dict) -> bool:
    local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
    if tag == "meta" and local == "content":  # a refresh's target
        return (attributes.get("http-equiv") or "").strip().lower() == "refresh"
    return local in _URL_ATTRIBUTES and not (value or "").strip().startswith("#")


class _Editor(html.parser.HTMLParser):
    """Finds the start tags and styles to rewrite, by their place in the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self._edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
        self._in_style = False

    def edit(self, text: str) -> str:
        self._lines = [0]  # where each line starts: the tokenizer counts lines by "\n" alone
        for line in text.split("\n"):
            self._lines.append(self._lines[-1] + len(line) + 1)
        self.feed(text)
        self.close()
        for start, end, replacement in sorted(self._edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def _here(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        raw = self.get_starttag_text() or ""
        named = {name: value for name, value in attrs}
        kept, changed = [], False
        for name, value in attrs:
            if _url_attribute(name, value, tag, named):
                changed = True
            elif name == "style" and value and _css_names_url(value):
                kept.append((name, _offline_declarations(value)))
                changed = True
            else:
                kept.append((name, value))
        if changed:
            start = self._here()
            written = "".join(f" {n}" if v is None else f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)
            self._edits.append((start, start + len(raw), f"<{tag}{written}{' /' if raw.endswith('/>') else ''}>"))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _css_names_url(data):
            start = self._here()
            self._edits.append((start, start + len(data), _offline_stylesheet(data)))


def _fetches(root: ElementTree.Element) -> bool:
    """Whether anything in a parsed page would still make LibreOffice fetch."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if any(_url_attribute(name, value, tag, element.attrib) for name, value in element.attrib.items()):
            return True
        if _css_names_url(element.get("style") or "") or (tag == "style" and _css_names_url(element.text or "")):
            return True
    return False


def _sanitised(text: str) -> str:
    """html5lib's serialisation of the page with every URL gone (for pages the two parsers read differently)."""
    root = html5lib.parse(text, namespaceHTMLElements=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        for name, value in list(element.attrib.items()):
            if _url_attribute(name, value, tag, element.attrib):
                del element.attrib[name]
        if element.get("style"):
            element.set("style", _offline_declarations(element.get("style")))
        if tag == "style":
            element.text = _offline_stylesheet(element.text or "")
    return html5lib.serialize(root, tree="etree", omit_optional_tags=False, quote_attr_values="always")


def _declares_charset(text: str) -> bool:
    """Whether a meta tag declares the page's charset."""
    found = []

    class Metas(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            named = {name: (value or "").lower() for name, value in attrs}
            if tag == "meta" and ("charset" in named or "charset=" in named.get("content", "")):
                found.append(tag)

    Metas().feed(text[:65536])
    return bool(found)


def _offline_declarations(css: str) -> str:
    kept = [node for node in tinycss2.parse_blocks_contents(css) if node.type == "declaration"]
    return _escape("; ".join(_declaration(node) for node in kept if not _names_url(node.value)))


def _offline_stylesheet(css: str) -> str:
    return _escape(_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


def _rules(nodes: list) -> str:
    out = []
    for node in nodes:
        if node.type == "qualified-rule" and not _names_url(node.prelude):
            out.append(f"{tinycss2.serialize(node.prelude)}{{{_declarations(node.content)}}}")
        elif node.type == "at-rule" and node.lower_at_keyword != "import" and not _names_url(node.prelude):
            prelude = f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}"
            if node.content is None:
                out.append(prelude + ";")
            elif node.lower_at_keyword in ("media", "supports", "document"):  # rules inside rules
                inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                out.append(f"{prelude}{{{_rules(inner)}}}")
            else:  # @font-face, @page: declarations
                out.append(f"{prelude}{{{_declarations(node.content)}}}")
        # anything else (a parse error, @import, a rule naming a URL) is dropped: what tinycss2 cannot read
        # might be read by LibreOffice's own CSS parser as a URL
    return "\n".join(out)


def _declarations(content: list) -> str:
    nodes = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return "; ".join(_declaration(node) for node in nodes if node.type == "declaration" and not _names_url(node.value))


def _declaration(node) -> str:
    return f"{node.name}:{tinycss2.serialize(node.value)}{' !important' if node.important else ''}"


def _css_names_url(css: str) -> bool:
    return _names_url(tinycss2.parse_component_value_list(css))


def _names_url(tokens: list) -> bool:
    """Whether CSS component values name a URL anywhere (an @import, nested blocks and functions included);
    a parse error counts, as LibreOffice's own CSS parser may read a URL there."""
    for token in tokens:
        if token.type in ("url", "error") or (token.type == "function" and token.lower_name in _CSS_URL_FUNCTIONS):
            return True
        if token.type == "at-keyword" and token.lower_value == "import":
            return True
        inner = token.arguments if token.type == "function" else getattr(token, "content", None)
        if isinstance(inner, list) and _names_url(inner):
            return True
    return False


def _escape(css: str) -> str:
    """``<`` as a CSS escape: unescaped characters must not close the style element early."""
    return css.replace("<", "\\3c ")
