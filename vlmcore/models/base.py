"""The adapter interface: the only way the rest of vlmcore talks to a model.

Batch methods over lists of ``Request``s (one image + one question each):

- ``score_yes_no(requests) -> list[YesNoScore]``: one forward pass, read at the answer
  position (the position whose next-token distribution is the answer).
- ``generate(requests, max_new_tokens) -> list[Generation]``: greedy free text, batched,
  stopping at the end of the turn; only new tokens decoded, reasoning markup kept, each kept
  token's place in the text recorded (``Generation.offsets``);
- ``evaluate(requests, continuations=...)``: as ``evaluate``, read after generated tokens: the
  score and map at the position that emits the next token (a generated answer's own position);
- ``reasoning_format()``: plain, ``<think>`` or Gemma's thought channel, from the checkpoint.
- ``attention_maps(requests, query=..., method=...) -> list[AttentionMap]``: maps on the
  model's own image grid (``grid_shape``), each labelled with the method that made it.
- ``evaluate(requests) -> list[(YesNoScore, AttentionMap)]``: score and map from the same
  forward pass (what the engine uses).

An adapter knows nothing of datasets, metrics, caching or reports. A family subclass
supplies encoding (prompt format, processor call), the modules to record, and how image
positions map onto its grid; everything else lives here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np
import torch

from vlmcore.answers import read_answer
from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.capture import CAPTURE_IMPLEMENTATION, AttentionRecorder, install_capture, recording
from vlmcore.attention.fusion import check_fusion, fuse, select_layers
from vlmcore.errors import CaptureError, ConfigError
from vlmcore.models.capabilities import BASE, Capability
from vlmcore.models.answer_tokens import answer_token_ids
from vlmcore.models.continuation import check_continuations
from vlmcore.models.reasoning import REASONING_MARKERS, ReasoningFormat, detect_reasoning
from vlmcore.models.requests import Generation, Request, YesNoScore


@dataclass
class Encoded:
    """A processed batch. Positions are in the *expanded* sequence (image tokens included)."""

    inputs: dict  # tensors for the model's forward
    input_ids: torch.Tensor  # (B, L) the sequence the recorded layers attend over (keys)
    image_positions: torch.Tensor  # (B, N) key positions of the image tokens that form the grid
    answer_index: torch.Tensor  # (B, 1) query position whose next token is the answer
    layout: object = None  # an ImageLayout when the grid depends on the film (dynamic resolution); else grid_shape


@dataclass
class Capture:
    encoded: Encoded
    layers: tuple[int, ...]
    recorders: list  # [decoder rows recorder, *family extras]
    logits: torch.Tensor  # (B, V) at the answer position


class VLMAdapter(ABC):
    """The shared machinery of the built-in families; meets ``vlmcore.models.protocol.Adapter``."""

    family: ClassVar[str] = ""
    #: sub-configs whose attention goes through the capture implementation
    capture_configs: ClassVar[tuple[str, ...]] = ("text_config",)

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this adapter offers beyond ``evaluate``, as its family's ``FamilySpec`` declares
        (an unregistered subclass: what the shared base offers)."""
        from vlmcore.models.families import FAMILIES

        return FAMILIES.get(self.family).capabilities if self.family in FAMILIES else BASE

    def __init__(self, model, processor, *, name: str = "", fingerprint: str = ""):
        install_capture()
        self.model = model.eval()
        self.processor = processor
        self.tokenizer = processor.tokenizer
        self.name = name or self.family
        self.fingerprint = fingerprint
        self.model.set_attn_implementation({key: CAPTURE_IMPLEMENTATION for key in self.capture_configs})
        self.yes_ids, self.no_ids = answer_token_ids(self.tokenizer)
        self.grid_shape = self._grid_shape()

    # -- what a family supplies -------------------------------------------------------
    @abstractmethod
    def _grid_shape(self) -> tuple[int, int]:
        """The image-token grid, from the model config."""

    @abstractmethod
    def encode(self, requests: list[Request], continuations: list[tuple[int, ...]] | None = None) -> Encoded:
        """Prompt + processor; checks the image-token count and returns positions.
        ``continuations``: generated token ids appended after each prompt (the answer position
        is then the last of them: the one that emits the next token)."""

    def encoding(self, requests: list[Request], continuations: list[tuple[int, ...]] | None = None) -> Encoded:
        """``encode``'s batch, as every forward asks for it: encoded ahead on the worker thread when the
        engine announced it (``encode_ahead``), else now; every encode holds one lock (``models.encode_ahead``)."""
        return self._ahead.take(requests, continuations)

    def encode_ahead(self, requests: list[Request]) -> None:
        """Encode this batch on a worker thread while the model runs the one before it
        (``Capability.ENCODE_AHEAD``: the engine announces a call's batches in the order it runs them)."""
        self._ahead.submit(requests)

    @cached_property
    def _ahead(self):
        from vlmcore.models.encode_ahead import EncodeAhead

        return EncodeAhead(self.encode)

    @abstractmethod
    def decoder_attention_modules(self) -> list[torch.nn.Module]:
        """The language decoder's attention modules whose rows make the map, in layer order."""

    @abstractmethod
    def vision_features(self) -> tuple[torch.nn.Module, object, tuple[int, int]]:
        """(module to hook, its output tensor -> (B, patches, C) without class token, patch grid)."""

    def forward_logits(self, encoded: Encoded) -> torch.Tensor:
        """Logits (B, V) at the answer position."""
        output = self.model(**encoded.inputs, logits_to_keep=1)
        return output.logits[:, -1, :]

    def compose(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> torch.Tensor:
        """Map mass on image positions (B, N) to the grid (B, rows*cols); identity by default."""
        return grid_mass

    def extra_recorders(self, encoded: Encoded) -> list[AttentionRecorder]:
        return []

    # -- shared machinery ----------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.model.parameters()).dtype

    @property
    def num_layers(self) -> int:
        return len(self.decoder_attention_modules())

    def score_from_logits(self, logits: torch.Tensor) -> list[YesNoScore]:
        logits = logits.float()
        log_probs = torch.log_softmax(logits, dim=-1)
        yes = torch.logsumexp(log_probs[:, self.yes_ids], dim=-1)
        no = torch.logsumexp(log_probs[:, self.no_ids], dim=-1)
        both = torch.logaddexp(yes, no)
        top = logits.argmax(dim=-1).tolist()
        return [
            YesNoScore(p_yes=float(torch.exp(y - b)), margin=float(y - n), mass=float(torch.exp(b)),
                       top_token=self.tokenizer.convert_ids_to_tokens(t))
            for y, n, b, t in zip(yes, no, both, top)
        ]

    def token_query_modules(self) -> list[torch.nn.Module]:
        """Modules whose queries are the question's tokens (for token-conditioned maps)."""
        return self.decoder_attention_modules()

    def _recorder(self, encoded: Encoded, layers: tuple[int, ...], query_index: torch.Tensor, modules=None) -> AttentionRecorder:
        modules = modules if modules is not None else self.decoder_attention_modules()
        return AttentionRecorder({modules[i]: i for i in layers}, query_index, encoded.image_positions)

    def capture(self, requests: list[Request], *, layers=None, keep_all_keys: bool = False,
                continuations: list[tuple[int, ...]] | None = None) -> "Capture":
        """One forward with the recorders active: logits at the answer position and the raw
        rows per layer, (B, H, 1, N) over image keys (or over every key with ``keep_all_keys``)."""
        encoded = self.encoding(requests, continuations)
        chosen = select_layers(self.num_layers, layers)
        recorder = self._recorder(encoded, chosen, encoded.answer_index)
        if keep_all_keys:
            recorder.key_index = None
        recorders = [recorder] + self.extra_recorders(encoded)
        with torch.inference_mode():
            logits = self._run(encoded, recorders)
        return Capture(encoded, chosen, recorders, logits)

    def evaluate(self, requests: list[Request], *, with_maps: bool = True, layers=None, fusion: str = "mean",
                 continuations: list[tuple[int, ...]] | None = None) -> list[tuple[YesNoScore, AttentionMap | None]]:
        """Scores and answer-position maps from one forward pass (after ``continuations``, when given)."""
        check_fusion(fusion)
        continuations = check_continuations(continuations, len(requests))
        if not with_maps:
            with torch.inference_mode():
                logits = self._run(self.encoding(requests, continuations), [])
            return [(score, None) for score in self.score_from_logits(logits)]
        captured = self.capture(requests, layers=layers, continuations=continuations)
        scores = self.score_from_logits(captured.logits)
        maps = self._maps(captured.recorders, captured.encoded, captured.layers, fusion, query="answer")
        return list(zip(scores, self.registered(maps, requests)))

    def view_region(self, image_shape: tuple[int, ...]) -> tuple[float, float, float, float]:
        """(top, left, height, width) of the original film that the map's grid covers. By
        default the whole film: processors that resize to a fixed size stretch the film onto
        the grid. Adapters whose processor crops override this."""
        from vlmcore.models.view import whole_film

        return whole_film(image_shape)

    def blank_shape(self, image_shape: tuple[int, ...]) -> tuple[int, int]:
        """The shape of the image-reliance pass's constant film. These processors resize (and
        centre-crop) every film to one fixed grid, and a constant film stays the same constant
        under any resize, so one blank of a fixed shape stands for every film's blank (its
        prefix then runs once per run). Dynamic-resolution adapters return ``image_shape``."""
        return (256, 256)

    def registered(self, maps: list, requests: list[Request]) -> list:
        """Each map labelled with the film region its grid covers (metrics and overlays use it)."""
        from dataclasses import replace

        return [m if m is None else replace(m, region=self.view_region(r.image.shape)) for m, r in zip(maps, requests)]

    def _run(self, encoded: Encoded, recorders: list[AttentionRecorder]) -> torch.Tensor:
        with recording(recorders):
            logits = self.forward_logits(encoded)
        for recorder in recorders:
            recorder.require_all_layers()
        return logits

    def _maps(self, recorders, encoded, layers, fusion, query) -> list[AttentionMap]:
        mass = fuse(recorders[0].rows, layers, fusion)  # (B, N) over image positions
        grid = self.compose(mass, encoded, recorders).float().cpu().numpy()
        notes = self.map_notes(mass, encoded, recorders)
        rows, cols = encoded.layout.grid if encoded.layout is not None else self.grid_shape
        return [
            AttentionMap(values=item.reshape(rows, cols).astype(np.float64), method=self.map_method, grid=(rows, cols),
                         layers=layers, head_fusion=fusion, query=query, notes=note)
            for item, note in zip(grid, notes)
        ]

    def map_notes(self, grid_mass: torch.Tensor, encoded: Encoded, recorders: list) -> list[dict]:
        """Per-map facts a family reports beside the map (BLIP-2: the class token's share)."""
        return [{} for _ in range(grid_mass.shape[0])]

    map_method: ClassVar[str] = "sdpa-rows"

    def score_yes_no(self, requests: list[Request]) -> list[YesNoScore]:
        return [score for score, _ in self.evaluate(requests, with_maps=False)]

    def attention_maps(self, requests: list[Request], *, query: str = "answer", method: str = "attention",
                       layers=None, fusion: str = "mean", target: str = "yes") -> list[AttentionMap]:
        """Maps for each request. ``query``: ``"answer"`` or ``"token:<word>"`` (rows of that
        word's tokens in the question). ``method``: ``attention``, ``grad-cam``,
        ``activation-norm``, ``attn-grad``, ``relevancy`` or ``occlusion``; ``target`` (``yes``/``no``; the
        gradient attention methods also ``answer``, the model's own) steers the gradient methods."""
        from vlmcore.attention import methods

        if method != "attention":
            return self.registered(methods.alternative_maps(self, requests, method, target), requests)
        if query == "answer":
            return [m for _, m in self.evaluate(requests, layers=layers, fusion=fusion)]
        if not query.startswith("token:"):
            raise ConfigError(f"query {query!r}: expected 'answer' or 'token:<word>'")
        return self.registered([self._token_map(request, query[len("token:"):], layers, fusion) for request in requests], requests)

    def _token_map(self, request: Request, word: str, layers, fusion: str) -> AttentionMap:
        encoded = self.encoding([request])
        positions = find_word_positions(self.tokenizer, encoded.input_ids[0], word)
        modules = self.token_query_modules()
        chosen = select_layers(len(modules), layers)
        recorders = [self._recorder(encoded, chosen, torch.tensor([positions]), modules)] + self.extra_recorders(encoded)
        with torch.no_grad():
            self._run(encoded, recorders)
        return self._maps(recorders, encoded, chosen, fusion, query=f"token:{word}")[0]

    def prompt(self, question: str) -> str:
        return question

    def films(self, requests: list[Request]) -> list:
        """One RGB image per request, the same object for requests on the same film, carrying the
        film's content hash, with the processor's image step wrapped so a film is preprocessed once
        in a call and not again in the calls that soon ask for it (``image_memo``)."""
        from vlmcore.models.image_memo import FILM_KEY, SharedImageProcessor

        if not isinstance(self.processor.image_processor, SharedImageProcessor):
            self.processor.image_processor = SharedImageProcessor(self.processor.image_processor)
        by_key: dict[str, object] = {}
        for request in requests:
            if request.image_key not in by_key:
                image = request.rgb()
                image.info[FILM_KEY] = request.image_key
                by_key[request.image_key] = image
        return [by_key[request.image_key] for request in requests]

    def prepare_film(self, image) -> None:
        """The processor's image step for ``image`` (an (H, W) uint8 film) ahead of the call that will
        need it, kept in the image memo (``image_memo.SharedImageProcessor.warm``): the engine calls it
        on its prefetch threads for the next chunk's films while the model runs the current chunk."""
        from vlmcore.models.image_memo import SharedImageProcessor

        shared = self.processor.image_processor
        if isinstance(shared, SharedImageProcessor):  # wrapped by the first call (before it, the arguments are unknown)
            shared.warm(self.films([Request.of(image, "")])[0])

    def generate(self, requests: list[Request], max_new_tokens: int = 16) -> list[Generation]:
        """Greedy generation, batched, each row stopping at the end of its turn (``stop_token_ids``)."""
        encoded = self.encoding(requests)
        stops = self.stop_token_ids()
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else stops[0]
        new_tokens = self.greedy_tokens(requests, encoded, max_new_tokens, stops, pad)
        reasoning = self.reasoning_format().reading
        results = []
        for ids, request in zip(new_tokens, requests):
            generation = decode_generation(self.tokenizer, ids, set(stops))
            reading = read_answer(generation.text, request.question, reasoning=reasoning)
            results.append(replace(generation, answer=reading.answer, rule=reading.rule))
        return results

    def greedy_tokens(self, requests: list[Request], encoded: Encoded, max_new_tokens: int, stops: list[int], pad: int
                      ) -> list[list[int]]:
        """Each request's greedy new tokens (``pad`` after its stop token), by transformers' ``generate``."""
        with torch.inference_mode():
            output = self.model.generate(**self.generation_inputs(encoded), max_new_tokens=max_new_tokens, do_sample=False,
                                         eos_token_id=stops, pad_token_id=pad, suppress_tokens=self.placeholder_token_ids() or None)
        return self.new_tokens(output, encoded).tolist()

    def placeholder_token_ids(self) -> list[int]:
        """The image / video placeholder and vision delimiter tokens of the model's config: text never
        holds them, so a generated one is noise (an untrained model emits them) and, teacher-forced
        back for the answer-position map, it would be counted as an image position."""
        config = self.model.config
        names = ("image_token_id", "image_token_index", "video_token_id", "vision_start_token_id", "vision_end_token_id",
                 "boi_token_index", "eoi_token_index")
        return sorted({int(value) for name in names if isinstance(value := getattr(config, name, None), int)})

    def stop_token_ids(self) -> list[int]:
        """The tokens that end a turn: the generation config's EOS ids, the tokenizer's EOS and the
        chat formats' end-of-turn tokens the vocabulary has (``<end_of_turn>``, ``<|im_end|>``...)."""
        ids: list[int] = []
        configured = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        ids += configured if isinstance(configured, list) else [configured] if configured is not None else []
        if self.tokenizer.eos_token_id is not None:
            ids.append(self.tokenizer.eos_token_id)
        vocabulary = self.tokenizer.get_vocab()
        ids += [vocabulary[token] for token in END_OF_TURN if token in vocabulary]
        return list(dict.fromkeys(int(i) for i in ids))

    def reasoning_format(self) -> ReasoningFormat:
        """How this checkpoint writes its answer (``vlmcore.models.reasoning``), detected once."""
        if not hasattr(self, "_reasoning"):
            self._reasoning = detect_reasoning(self.processor, self.tokenizer, self.prompt("Is there a pleural effusion?"))
        return self._reasoning

    def generation_inputs(self, encoded: Encoded) -> dict:
        inputs = dict(encoded.inputs)
        inputs.pop("position_ids", None)  # generate derives positions from the attention mask
        return inputs

    def new_tokens(self, output: torch.Tensor, encoded: Encoded) -> torch.Tensor:
        """Only the generated tokens (decoder-only models echo the prompt)."""
        return output[:, encoded.input_ids.shape[1]:]


#: end-of-turn tokens of the chat formats vlmcore supports (Gemma, Qwen / ChatML, Idefics3, Llama 3)
END_OF_TURN = ("<end_of_turn>", "<|im_end|>", "<end_of_utterance>", "<|eot_id|>", "<|endoftext|>")


def decode_generation(tokenizer, ids: list[int], stops: set[int]) -> Generation:
    """The new tokens up to the first stop token, decoded: special tokens dropped except the
    reasoning markers the reader needs, each kept token's end offset in the text recorded.

    Each token's text is the difference between decoding a short window ending with it and the
    same window without it, so word pieces, SentencePiece spaces and byte-level merges come out
    as a full decode writes them, in one pass (no quadratic re-decoding of long reasoning)."""
    finished = False
    generated: list[int] = []
    for token in ids:
        if token in stops:
            finished = True
            break
        generated.append(int(token))
    dropped: dict[int, bool] = {}

    def drop(token: int) -> bool:
        """What ``skip_special_tokens=True`` would drop, reasoning markers excepted."""
        if token not in dropped:
            special = tokenizer.decode([token], skip_special_tokens=True) == "" != tokenizer.decode([token], skip_special_tokens=False)
            dropped[token] = special and tokenizer.convert_ids_to_tokens(token) not in REASONING_MARKERS
        return dropped[token]

    kept = [(index, token) for index, token in enumerate(generated) if not drop(token)]
    pieces: list[str] = []
    window = 6
    for position in range(len(kept)):
        start = max(0, position - window)
        context = [token for _, token in kept[start:position]]
        before = tokenizer.decode(context, skip_special_tokens=False, clean_up_tokenization_spaces=False) if context else ""
        after = tokenizer.decode(context + [kept[position][1]], skip_special_tokens=False, clean_up_tokenization_spaces=False)
        shared = 0
        while shared < min(len(before), len(after)) and before[shared] == after[shared]:
            shared += 1
        pieces.append(after[shared:])
    text, offsets = "", []
    for piece in pieces:
        text += piece
        offsets.append(len(text))
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    offsets = [min(max(o - lead, 0), len(stripped)) for o in offsets]
    return Generation(stripped, "", "", tuple(t for _, t in kept), tuple(tokenizer.convert_ids_to_tokens([t for _, t in kept])),
                      tuple(offsets), finished, tuple(i for i, _ in kept), tuple(generated))


def find_word_positions(tokenizer, input_ids: torch.Tensor, word: str) -> list[int]:
    """Positions of every token of ``word`` in ``input_ids`` (all occurrences; multi-token words
    contribute all their pieces). Raises if the word is not in the sequence."""
    ids = input_ids.tolist()
    positions: list[int] = []
    for spelling in dict.fromkeys([word, word.lower(), word.capitalize(), " " + word, " " + word.lower()]):
        pieces = tokenizer.encode(spelling, add_special_tokens=False)
        if not pieces or tokenizer.unk_token_id in pieces:
            continue
        for start in range(len(ids) - len(pieces) + 1):
            if ids[start:start + len(pieces)] == pieces:
                positions.extend(range(start, start + len(pieces)))
    if not positions:
        raise CaptureError(f"target word {word!r} does not occur in the input sequence; cannot condition a map on it")
    return sorted(set(positions))


def image_positions_from_ids(input_ids: torch.Tensor, token_id: int, expected: int, family: str) -> torch.Tensor:
    """(B, expected) positions of ``token_id`` per row; a wrong count is an error, never a guess."""
    mask = input_ids == token_id
    counts = mask.sum(dim=1).tolist()
    if any(count != expected for count in counts):
        raise CaptureError(
            f"{family}: expected {expected} image tokens (id {token_id}) per sequence, found {counts}; "
            "the processor's image token does not match the model config"
        )
    return mask.nonzero()[:, 1].reshape(input_ids.shape[0], expected)
