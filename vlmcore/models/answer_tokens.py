"""The token ids that mean "yes" and "no" for a tokenizer.

Real tokenizers spell the answer several ways (``yes``, ``Yes``, ``▁yes``, `` yes``); p(yes)
sums every single-token spelling. Multi-token spellings are skipped: the answer position
can only score one token.
"""

from __future__ import annotations

from vlmcore.errors import CaptureError

_SPELLINGS = {"yes": ("yes", "Yes", "YES"), "no": ("no", "No", "NO")}
_PREFIXES = ("", " ", "▁", "Ġ")


def _single_token_ids(tokenizer, word: str) -> set[int]:
    ids: set[int] = set()
    unknown = tokenizer.unk_token_id
    for prefix in _PREFIXES:
        token_id = tokenizer.convert_tokens_to_ids(prefix + word)
        if isinstance(token_id, int) and token_id != unknown:
            ids.add(token_id)
        encoded = tokenizer.encode(prefix + word, add_special_tokens=False)
        if len(encoded) == 1 and encoded[0] != unknown:
            ids.add(encoded[0])
    return ids


def answer_token_ids(tokenizer) -> tuple[list[int], list[int]]:
    yes = sorted(set().union(*(_single_token_ids(tokenizer, w) for w in _SPELLINGS["yes"])))
    no = sorted(set().union(*(_single_token_ids(tokenizer, w) for w in _SPELLINGS["no"])))
    if not yes or not no or set(yes) & set(no):
        raise CaptureError(f"tokenizer has no clean single-token yes/no answers (yes={yes}, no={no})")
    return yes, no


def is_answer_token(token: str) -> bool:
    """Whether a decoded token (as ``convert_ids_to_tokens`` spells it) is one of the answer words:
    greedy decoding starting with it answers at the first token."""
    for prefix in _PREFIXES[1:]:
        if token.startswith(prefix):
            token = token[len(prefix):]
            break
    return token in _SPELLINGS["yes"] or token in _SPELLINGS["no"]
