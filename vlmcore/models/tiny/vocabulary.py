"""A word-level tokenizer built in code, carrying each family's real special tokens.

Tiny models need a tokenizer that works offline, decodes to readable words, and has the
real special-token strings (``<image_soft_token>``, ``<start_of_turn>``...) so prompts and
processors behave like the real ones. Words come from the radiology lexicon, the question
templates and the chat-template words; anything else maps to the unknown token.

A build may ask for more (``VocabularyExtension``): words a reference model must be able to
say (a preamble, a reasoning sentence) and markup tags kept whole (``<think>``). They are
appended after everything else, so every existing token keeps its id, and a build without an
extension is unchanged. The tokenizer is saved with each checkpoint, so a model trained with
an extension loads with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from vlmcore.data.findings import FINDINGS

_FUNCTION_WORDS = """
a an the is are was were be been being there this that these those of in on at to for from with without by as
and or not no yes any some does do did can could should would will may might shall has have had it its
what which who where when how whether please determine confirm tell me if evidence sign signs present absent
seen visible noted identified shown shows show demonstrate demonstrates image film radiograph chest x-ray xray
lung lungs left right bilateral both side sided base bases apex apices upper lower lobe zone area region heart
cardiac silhouette enlarged enlargement fluid space collapsed air free gas thickening thickened vessels
answer question user model assistant system USER ASSISTANT Question Answer Yes No YES NO true false
patient's patient normal abnormal finding findings large small mild moderate severe new old exist exists
""".split()
_PUNCTUATION = list("?.,:;!'\"()-/")


@lru_cache(maxsize=1)
def base_words() -> tuple[str, ...]:
    words: list[str] = []
    for forms in FINDINGS.values():
        for form in forms:
            words.extend(form.split())
    words.extend(_FUNCTION_WORDS)
    words.extend(w.capitalize() for w in list(words))
    words.extend(_PUNCTUATION)
    words.extend(["\n", "\n\n"])
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class VocabularyExtension:
    """Tokens a build adds after the base vocabulary.

    ``words``: plain words (each also capitalised), split like every other word. ``tags``:
    markup such as ``<think>`` / ``</answer>``, matched whole before the word split and *not*
    special, so they survive ``skip_special_tokens`` decoding as a reasoning model's tags do
    (Qwen3 / MedVLM-R1 tokenizers treat ``<think>`` the same way).
    """

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def __or__(self, other: VocabularyExtension) -> VocabularyExtension:
        return VocabularyExtension(tuple(dict.fromkeys(self.words + other.words)), tuple(dict.fromkeys(self.tags + other.tags)))


NO_EXTENSION = VocabularyExtension()


def build_tokenizer(special_tokens: list[str], roles: dict[str, str], extra: dict[str, str] | None = None,
                    padding_side: str = "left", extension: VocabularyExtension = NO_EXTENSION):
    """A ``PreTrainedTokenizerFast``: special tokens first (ids 0..), then the words, then
    ``extension``'s words and tags.

    ``roles`` names bos/eos/pad/unk; ``extra`` names family tokens (``image_token``...),
    which become tokenizer attributes as in the real tokenizers.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate(special_tokens)}
    for word in base_words():
        vocab.setdefault(word, len(vocab))
    for word in extension.words:
        for form in (word, word.capitalize()):
            vocab.setdefault(form, len(vocab))
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token=roles["unk_token"]))
    backend.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(pattern="\n", behavior="isolated"),
        pre_tokenizers.Whitespace(),
    ])
    backend.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    backend.add_special_tokens(special_tokens)
    backend.add_tokens([AddedToken(tag, special=False, normalized=False) for tag in extension.tags])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, extra_special_tokens=extra or {}, **roles)
    tokenizer.padding_side = padding_side
    return tokenizer
