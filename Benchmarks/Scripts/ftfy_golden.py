#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden for the CLIP text cleaner: generated strings and what ftfy 6 makes of them.

Classes:
- `category-<Xx>`: for every Unicode general category, up to 12 characters spread over its range (Python's
  unicodedata), each alone and between letters (`a<c>b`);
- `mojibake-<codec>`: sample words and sentences (Latin-1 letters, every Windows-1252 punctuation character,
  Greek, Cyrillic, CJK, emoji) encoded as UTF-8 and decoded as Latin-1, Windows-1252, ftfy's sloppy
  Windows-1252, MacRoman, Windows-1250/1251, alone, inside a sentence, and twice over;
- `html`: named entities (HTML 4 and HTML5 names, with and without `;`), decimal and hexadecimal references
  (C1 range, surrogates, out of range, noncharacters), and lines holding `<` that stop the decoding;
- `controls`: C0/C1 controls, terminal escapes, line breaks, ligatures, full-width forms, curly quotes.

Each case: `class`, `text`, `ftfy` = `ftfy.fix_text(text)`, and `clip` = the text Hugging Face's slow
`CLIPTokenizer` (with ftfy installed) splits into words: `whitespace_clean(ftfy.fix_text(text)).lower()`.

Usage: python ftfy_golden.py <out.json>   (pip install ftfy)
       python ftfy_golden.py --swift-entities <HTMLEntities.swift>   (ftfy's entity table as Swift source)
"""
import html.entities
import json
import random
import re
import sys
import unicodedata

import ftfy

RNG = random.Random(20261206)
CASES = []


def add(kind, text):
    fixed = ftfy.fix_text(text)
    clip = re.sub(r"\s+", " ", fixed).strip().lower()
    CASES.append({"class": kind, "text": text, "ftfy": fixed, "clip": clip})


def categories():
    by_category = {}
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates cannot be written in JSON text that Swift reads; ftfy's own fix is covered below
        by_category.setdefault(unicodedata.category(chr(code)), []).append(code)
    for category in sorted(by_category):
        codes = by_category[category]
        picks = sorted({codes[i * (len(codes) - 1) // 11] for i in range(12)} | set(RNG.sample(codes, min(4, len(codes)))))
        for code in picks:
            add(f"category-{category}", chr(code))
            add(f"category-{category}", f"a{chr(code)}b")


WORDS = [
    "café", "naïve", "Ærøskøbing", "façade", "Ünïcödé", "smörgåsbord", "Ñandú", "½ × ¾ ≠ ¼", "€100", "‘quoted’",
    "“double”", "em—dash", "en–dash", "ellipsis…", "•bullet", "™ ® ©", "Œuvre œuf", "Šš Žž Ÿ", "ƒ ˆ ˜ ‰ ‹ ›",
    "† ‡ „ ‚", "Ελληνικά", "Русский текст", "中文字符", "日本語のテキスト", "한국어", "emoji 😀🎉", "ÀÁÂÃÄÅ", "àáâãäå",
    "ÿþý", "\u00a0non-breaking", "señor", "über", "Zürich", "Ça va", "l’été", "straße", "ĳ ligature",
]
CODECS = ["latin-1", "windows-1252", "sloppy-windows-1252", "macroman", "windows-1250", "windows-1251"]


def mojibake():
    for codec in CODECS:
        for word in WORDS:
            try:
                broken = word.encode("utf-8").decode(codec)
            except UnicodeDecodeError:
                continue
            add(f"mojibake-{codec}", broken)
            add(f"mojibake-{codec}", f"The word is {broken} in this sentence.")
            try:
                twice = broken.encode("utf-8").decode(codec)
                add(f"mojibake-{codec}-twice", twice)
            except UnicodeDecodeError:
                pass


def entities():
    names = sorted(html.entities.html5)
    for name in RNG.sample(names, 160):
        add("html", f"x &{name} y")
    for name in RNG.sample(sorted(html.entities.name2codepoint), 60):
        add("html", f"&{name};")
        add("html", f"&{name}")
        add("html", f"&{name.upper()};")
    for value in [0, 9, 10, 13, 31, 38, 60, 127, 128, 130, 133, 145, 150, 151, 153, 159, 160, 233, 0x2019, 0xD800,
                  0xDFFF, 0xFDD0, 0xFFFE, 0xFFFF, 0x1F600, 0x10FFFF, 0x110000, 99999999, 0x1FFFE]:
        add("html", f"a&#{value};b")
        add("html", f"a&#x{value:x};b")
        add("html", f"a&#X{value:X};b")
        add("html", f"a&#{value}b")
    for text in ["&amp;amp;", "&ampx;", "&amp", "&lt;tag&gt; &amp;", "<b>bold</b> &amp; more", "1 &lt; 2\n3 &amp; 4",
                 "line one &eacute;\n<p> &eacute;</p>\nline three &eacute;", "&#;", "&#x;", "&;", "& amp;",
                 "&AMP;&QUOT;&LT", "&NotANamedEntity;", "&eacute&eacute;", "&#0000000065;", "&#x0000041;",
                 "AT&T", "Q&A &nbsp; x", "&copy2024", "&notit;", "&notin;", "&Eacute;COLE"]:
        add("html", text)


def controls():
    for code in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
        add("controls", f"a{chr(code)}b")
    for text in ["\x1b[31mred\x1b[0m", "\x1b[1;32;40mbold\x1b[m", "\x1b]0;title\x07", "a\r\nb", "a\rb", "a\u2028b",
                 "a\u2029b", "a\x85b", "ﬁnance ﬂow ﬀ ﬃ ﬄ ﬅ ﬆ", "Ǆ ǅ ǆ Ǉ ǈ ǉ Ǌ ǋ ǌ Ǳ ǲ ǳ Ĳ ĳ ŉ", "ＡＢＣ　ｘｙｚ！",
                 "ｶﾀｶﾅ ﾞﾟ", "￡￥￦", "‘single’ “double” ‚low„ ‛rev‟ ʼ", "\ufeffBOM", "a\u200bb\u200cc\u200dd",
                 "\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f flag", "𝅘𝅥𝅮 \U0001d173x\U0001d17a",
                 "a\u206ab\u206fc", "\ufff9a\ufffab\ufffbc\ufffc", "\u00ad soft", "e\u0301 composed", "Å vs A\u030a",
                 "ﾊﾟ ﾋﾞ", "\u3000ideographic space", "tab\there", "form\x0cfeed", "\ud83d\ude00"]:
        add("controls", text)


def swift_entities(path):
    """ftfy's HTML_ENTITIES (the HTML5 named references with `;`, plus upper-case spellings of the lower-case
    names that are not entities themselves) as `name=hex[.hex]` words for `TextTables.htmlEntities`."""
    from ftfy.chardata import HTML_ENTITIES

    words = []
    for entity, chars in sorted(HTML_ENTITIES.items()):
        name = entity[1:-1]
        if len(name) <= 24:
            words.append(name + "=" + ".".join(f"{ord(c):x}" for c in chars))
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 108:
            lines.append(line)
            line = ""
        line = f"{line} {word}" if line else word
    lines.append(line)
    body = "\n".join("        " + l for l in lines)
    quotes = '"' * 3
    header = (
        "// SPDX-License-Identifier: Apache-2.0\n"
        f"// Generated by Benchmarks/Scripts/ftfy_golden.py --swift-entities from ftfy {ftfy.__version__}'s entity"
        " table\n// (the HTML5 named character references, WHATWG); do not edit.\n\n"
        "extension TextTables {\n"
        "    /// The named HTML character references that ``TextFixer`` decodes, as `name=hex[.hex]` words: every\n"
        "    /// HTML5 name written with its `;`, and the upper-case spelling of each lower-case name that is not\n"
        f"    /// itself a name (`&EACUTE;` decodes to `É`), as ftfy 6 decodes them ({len(words)} names).\n"
        f"    static let entityList = {quotes}\n"
    )
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + body + f"\n        {quotes}\n}}\n")


def main():
    if sys.argv[1] == "--swift-entities":
        swift_entities(sys.argv[2])
        return
    categories()
    mojibake()
    entities()
    controls()
    cases = []
    for case in CASES:
        try:
            json.dumps(case, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            continue  # a lone surrogate in the output: not representable for the Swift side
        cases.append(case)
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump({"ftfy": ftfy.__version__, "unicodedata": unicodedata.unidata_version, "cases": cases}, f,
                  ensure_ascii=True, indent=0)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
