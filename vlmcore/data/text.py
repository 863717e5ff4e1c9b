"""Text from dataset files, normalised and checked for what a reader cannot see (issue 23 item 10).

- Every identifier and question is NFKC-normalised (Unicode TR15): full-width ``ｇ１`` is ``g1``,
  a ligature is its letters, a no-break space a space.
- An identifier may not hold invisible or bidirectional control characters (zero-width space,
  right-to-left override, soft hyphen, variation selectors ...), nor mix letters of two scripts
  (``phаntom`` with a Cyrillic ``а``); two identifiers that differ but render alike (the same
  skeleton after folding Cyrillic / Greek look-alikes of Latin letters, after Unicode TR39) are
  refused as a pair. Otherwise ``g1`` and ``g1`` would be two groups, two patients.
- Questions keep such characters (a dataset may test them on purpose), and every report shows
  them visibly (``visible``: ``⟨U+202E RIGHT-TO-LEFT OVERRIDE⟩``), never raw.
"""

from __future__ import annotations

import re
import unicodedata

#: invisible or reordering characters outside the control / format categories
_INVISIBLE_EXTRA = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F}
_VARIATION = [(0xFE00, 0xFE0F), (0xE0100, 0xE01EF)]
_ALLOWED_CONTROLS = {"\n", "\t"}

#: Cyrillic and Greek letters that render like a Latin letter (subset of Unicode TR39 confusables)
_LOOKALIKES = str.maketrans({
    **dict(zip("аеорсухіјѕԁӏһԛԝүвкмнтАВЕКМНОРСТХІЈЅҮ", "aeopcyxijsdlhqwybkmhtABEKMHOPCTXIJSY")),
    **dict(zip("αοριυνκχτΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "aopiuvkxtABEZHIKMNOPTYX")),
})


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def is_invisible(char: str) -> bool:
    """A character that renders as nothing or reorders what follows."""
    if char in _ALLOWED_CONTROLS:
        return False
    point = ord(char)
    if point in _INVISIBLE_EXTRA or any(low <= point <= high for low, high in _VARIATION):
        return True
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def invisible_characters(text: str) -> list[str]:
    """``U+202E RIGHT-TO-LEFT OVERRIDE`` for each invisible character in ``text``, in order."""
    return [_describe(char) for char in text if is_invisible(char)]


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER' if unicodedata.category(char) == 'Cc' else 'UNNAMED')}"


#: every code point ``is_invisible`` accepts, as ranges (Python 3.11's Unicode data; a test checks they agree)
INVISIBLE_RANGES = (
    (0x0, 0x8), (0xB, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD),
    (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xD800, 0xDFFF),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)
_INVISIBLE = re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in INVISIBLE_RANGES) + "]")


def visible(text: str) -> str:
    """``text`` with every invisible or bidirectional control character shown as ``⟨U+XXXX NAME⟩``."""
    return _INVISIBLE.sub(lambda match: f"⟨{_describe(match.group())}⟩", text)


def letter_scripts(text: str) -> set[str]:
    """The scripts of the letters in ``text`` (first word of each letter's Unicode name: LATIN, CYRILLIC ...)."""
    scripts = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            scripts.add(name.split(" ")[0] if name else "UNKNOWN")
    return scripts


def skeleton(text: str) -> str:
    """What an identifier looks like: NFKC, look-alike letters folded to Latin (case kept: ``G1`` and
    ``g1`` render differently)."""
    return nfkc(text).translate(_LOOKALIKES)


def identifier_problem(value: str) -> str | None:
    """Why ``value`` (already NFKC) cannot be an identifier, or None."""
    if _INVISIBLE.search(value) is None and value.isascii():
        return None  # the common case, at C speed
    hidden = [_describe(match.group()) for match in _INVISIBLE.finditer(value)]
    if hidden:
        return f"holds invisible or bidirectional control characters ({', '.join(dict.fromkeys(hidden))})"
    scripts = letter_scripts(value) - {"UNKNOWN"}
    if len(scripts) > 1:
        return f"mixes letters of {' and '.join(sorted(scripts))} scripts, which render alike (e.g. Latin 'a' and Cyrillic 'а')"
    return None
