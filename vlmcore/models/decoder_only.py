"""Shared encoding for decoder-only VLMs (MedGemma, LLaVA, BLIP-2's OPT).

Left padding, so the answer position is the last one for every row; explicit position ids
from the attention mask, so a padded row sees the same positions as when run alone (batch
size and padding do not change p(yes)).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import replace

import torch

from vlmcore.attention.attention_map import AttentionMap
from vlmcore.attention.capture import CAPTURE_IMPLEMENTATION, AttentionRecorder, recording
from vlmcore.attention.fusion import check_fusion, select_layers
from vlmcore.attention.segments import segmented
from vlmcore.errors import CaptureError
from vlmcore.models.base import Encoded, VLMAdapter, image_positions_from_ids
from vlmcore.models.continuation import append_tokens, check_continuations
from vlmcore.models.per_image import join_per_image, split_per_image
from vlmcore.models.prefix_generation import greedy_from_prefix, plain_greedy
from vlmcore.models.prefix_store import PrefixEntry, PrefixKey, PrefixKVCache, split_rows, stack_rows, storable
from vlmcore.models.requests import Request, YesNoScore
from vlmcore.models.shared_prefix import PrefixPlan, packed_suffixes, plan_shared_prefix, prefix_inputs


#: processor outputs with one value per token of the ids (the rest are per image: pixels, masks, grids)
PER_TOKEN_KEYS = ("input_ids", "attention_mask", "token_type_ids", "mm_token_type_ids")


class DecoderOnlyAdapter(VLMAdapter):
    #: whether the model's forward takes ``position_ids`` (OPT derives them itself)
    passes_position_ids = True
    #: run the image-first prefix once per group and only the questions per variant
    prefix_sharing = True
    #: greedy generation continues the film's kept prefix (``prefix_generation``) instead of
    #: running the whole prompt through transformers' ``generate`` again
    prefix_generation = True
    #: packed questions attend block-diagonally ("segments", ``vlmcore.attention.segments``) or
    #: through one dense 4-D mask over the packed row ("dense": the earlier way, kept for the benchmark)
    suffix_attention = "segments"

    @property
    def image_token_id(self) -> int:
        return int(self.model.config.image_token_id)

    @property
    def tokens_per_image(self) -> int:
        rows, cols = self.grid_shape
        return rows * cols

    @abstractmethod
    def processor_call(self, images: list, prompts: list[str]) -> dict:
        """The family's processor call on RGB images and already-formatted prompts."""

    def encode(self, requests: list[Request], continuations: list[tuple[int, ...]] | None = None) -> Encoded:
        batch = append_tokens(self.processed_batch(requests), continuations, int(self.tokenizer.pad_token_id))
        positions = image_positions_from_ids(batch["input_ids"], self.image_token_id, self.tokens_per_image, self.family)
        return self.encoded(batch, positions)

    def processed_batch(self, requests: list[Request]) -> dict:
        """The processor's left-padded batch (image expansion spliced in once per film where exact)."""
        self.tokenizer.padding_side = "left"
        prompts = [self.prompt(request.question) for request in requests]
        batch = self._spliced_batch(requests, prompts)
        return batch if batch is not None else dict(self.processor_call(self.films(requests), prompts))

    def encoded(self, batch: dict, positions: torch.Tensor, layout=None) -> Encoded:
        """The batch on the model's device, with position ids where the model takes them."""
        input_ids = batch["input_ids"]
        if self.passes_position_ids:
            batch["position_ids"] = (batch["attention_mask"].long().cumsum(-1) - 1).clamp_min(0)
        inputs = {key: self._to_device(key, value) for key, value in batch.items()}
        answer = torch.full((input_ids.shape[0], 1), input_ids.shape[1] - 1, dtype=torch.long)
        return Encoded(inputs=inputs, input_ids=input_ids, image_positions=positions, answer_index=answer, layout=layout)

    def _spliced_batch(self, requests: list[Request], prompts: list[str]) -> dict | None:
        """The processor's batch, with the image-token expansion tokenised once per film.

        The processor runs on one request per film (pixels and the expanded ids); every
        request's prompt is tokenised *unexpanded* (a few tokens) and the film's expansion is
        spliced in where its placeholder was. That is exact when the expansion is a run of added
        special tokens (LLaVA's and Qwen2-VL's image tokens; Idefics3's tile markers, global-image
        and image tokens) replacing at most one such token, none of them stripping whitespace: a
        fast tokenizer splits the text at added tokens before it tokenises the pieces, so the text
        on either side tokenises alike with and without the expansion. When the representative's
        expansion holds text (Gemma 3's processor puts two newlines around the image, which a tokenizer
        that keeps newlines encodes as text), None:
        the whole batch goes through the processor. Per-token outputs beside the ids (Gemma 3's
        ``token_type_ids``, Qwen's ``mm_token_type_ids``) are read off the representatives as a
        function of the token inside the expansion (0 outside it); per-image outputs (pixels,
        pixel masks, grids) are each film's share (``per_image``). Every film's request is checked
        against the processor's own output, key by key."""
        first: dict[str, int] = {}
        for index, request in enumerate(requests):
            first.setdefault(request.image_key, index)
        if len(first) == len(requests):
            return None
        reps = list(first.values())
        full = dict(self.processor_call(self.films([requests[i] for i in reps]), [prompts[i] for i in reps]))
        token_keys = [key for key in full if key in PER_TOKEN_KEYS]
        if "input_ids" not in token_keys or "attention_mask" not in token_keys:
            return None
        shape = full["input_ids"].shape
        if any(isinstance(value, torch.Tensor) and value.shape == shape for key, value in full.items() if key not in token_keys):
            return None  # another per-token output: it could not be rebuilt for the spliced ids
        films = split_per_image({key: value for key, value in full.items() if key not in PER_TOKEN_KEYS}, len(reps))
        if films is None:
            return None
        plain = self.tokenizer(prompts, padding=False, add_special_tokens=False)["input_ids"]
        mask = full["attention_mask"].bool()
        expanded = full["input_ids"][0][mask[0]].tolist()
        unexpanded = plain[reps[0]]
        start = 0
        while start < min(len(expanded), len(unexpanded)) and expanded[start] == unexpanded[start]:
            start += 1
        end = 0
        while end < min(len(expanded), len(unexpanded)) - start and expanded[-1 - end] == unexpanded[-1 - end]:
            end += 1
        run, replaced = expanded[start: len(expanded) - end], unexpanded[start: len(unexpanded) - end]
        if not run or len(replaced) > 1 or not self._splits_text(run + replaced):
            return None
        if not replaced and start and end:  # the run went in between two tokens: one of them must split the text there
            if not any(self._splits_text([token]) for token in (expanded[start - 1], expanded[len(expanded) - end])):
                return None
        head = unexpanded[:start]
        tails = []
        for ids in plain:
            if ids[:start] != head or ids[start: start + len(replaced)] != replaced:
                return None
            tails.append(ids[start + len(replaced):])
        if set(run) & {token for tail in tails for token in tail}:  # a question holding an image token: the processor decides
            return None
        lengths = torch.tensor([start + len(run) + len(tail) for tail in tails])
        width = int(lengths.max())
        pad = int(self.tokenizer.pad_token_id)
        offsets = width - lengths  # left padding
        input_ids = torch.tensor([[pad] * offset + head + run + tail for offset, tail in zip(offsets.tolist(), tails)], dtype=torch.long)
        attention = (torch.arange(width)[None, :] >= offsets[:, None]).long()
        batch = {"input_ids": input_ids, "attention_mask": attention}
        for key in token_keys:
            if key not in batch:
                by_token = self._per_token_values(full[key], full["input_ids"], mask, run)
                if by_token is None:
                    return None
                rebuilt = torch.zeros(input_ids.shape, dtype=full[key].dtype)
                for token, value in by_token.items():  # the expansion's few distinct tokens
                    rebuilt[input_ids == token] = value
                batch[key] = rebuilt
        for position, rep in enumerate(reps):  # the splice reproduces the processor on every film's request
            real = attention[rep].bool()
            for key in token_keys:
                if not torch.equal(batch[key][rep][real], full[key][position][mask[position]]):
                    return None
        film_row = {key: position for position, key in enumerate(first)}
        joined = join_per_image([films[film_row[r.image_key]] for r in requests])
        if joined is None:
            return None
        return {**batch, **joined}

    def _splits_text(self, tokens: list[int]) -> bool:
        """Every token is an added token that strips no whitespace: the tokenizer splits the text at it."""
        added = self.tokenizer.added_tokens_decoder
        return all(token in added and not added[token].lstrip and not added[token].rstrip for token in tokens)

    @staticmethod
    def _per_token_values(values: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor, run: list[int]) -> dict[int, int] | None:
        """A per-token output as a function of the token id inside the expansion, 0 everywhere else; None
        when the representatives' values are not that (the splice then cannot rebuild them)."""
        inside = set(run)
        by_token: dict[int, int] = {}
        for row_values, row_ids, row_mask in zip(values.tolist(), ids.tolist(), mask.tolist()):
            for value, token, real in zip(row_values, row_ids, row_mask):
                if not real:
                    continue
                if token not in inside:
                    if value != 0:
                        return None
                elif by_token.setdefault(token, value) != value:
                    return None
        return by_token

    def _to_device(self, key: str, value):
        if not isinstance(value, torch.Tensor):
            return value
        if value.is_floating_point():
            return value.to(self.device, self.dtype)
        return value.to(self.device)

    # -- shared-prefix fast path ------------------------------------------------------------
    def evaluate(self, requests: list[Request], *, with_maps: bool = True, layers=None, fusion: str = "mean",
                 continuations: list[tuple[int, ...]] | None = None) -> list[tuple[YesNoScore, AttentionMap | None]]:
        """Requests on one or several films: each film's prefix once, every question (and its
        continuation, when given) after it."""
        check_fusion(fusion)
        continuations = check_continuations(continuations, len(requests))
        plan = None
        if self.prefix_sharing and requests:  # one request too: its film's prefix may be kept
            plan = plan_shared_prefix(self.encoding(requests, continuations), self.image_token_id, [r.image_key for r in requests])
        if plan is None:
            return super().evaluate(requests, with_maps=with_maps, layers=layers, fusion=fusion, continuations=continuations)
        results = self._evaluate_with_prefix(plan, with_maps, layers, fusion)
        return list(zip([s for s, _ in results], self.registered([m for _, m in results], requests)))

    def greedy_tokens(self, requests: list[Request], encoded: Encoded, max_new_tokens: int, stops: list[int], pad: int
                      ) -> list[list[int]]:
        """Greedy tokens continuing each film's kept prefix (computed once and kept when new); the
        prompt again through ``generate`` when the requests share no image-first prefix or the
        generation config asks for more than plain greedy search."""
        plan = None
        if self.prefix_sharing and self.prefix_generation and requests and plain_greedy(getattr(self.model, "generation_config", None)):
            plan = plan_shared_prefix(encoded, self.image_token_id, [r.image_key for r in requests])
        if plan is None:
            return super().greedy_tokens(requests, encoded, max_new_tokens, stops, pad)
        with torch.inference_mode():
            cache, offsets = self.prefix_cache(plan, [])
            return greedy_from_prefix(plan, cache, offsets, self.suffix_logits, self.device, max_new_tokens, stops, pad,
                                      self.placeholder_token_ids())

    def __init__(self, model, processor, **kwargs):
        super().__init__(model, processor, **kwargs)
        self.prefix_store = PrefixKVCache()  # each film's prefix KV cache, kept across calls (LRU)

    @property
    def prefix_computations(self):
        """Film digest -> how many times its prefix was computed (1 each: no recomputation)."""
        return self.prefix_store.computations

    def pin_film(self, image_key: str) -> None:
        """``image_key`` recurs through the whole run (the blank film): its prefix is never evicted."""
        self.prefix_store.pin(image_key)

    def prefix_cache(self, plan: PrefixPlan, recorders: list[AttentionRecorder]):
        """The prefix KV cache of the plan's films (one row per film, with its image) and per
        film the offset from a suffix token's index to its rotary position (None: the index
        itself). Films whose prefix is kept (``prefix_store``) are not recomputed; the others
        run in one forward and are kept. ``recorders`` (rows captured in the prefix, one row
        per film) are filled from the kept rows and the forward's."""
        store = self.prefix_store
        tokens = tuple(plan.tokens[0, :plan.prefix_length].tolist())
        keys = [PrefixKey(self.fingerprint, str(self.dtype), film, tokens) for film in plan.film_keys]
        entries = [store.get(key, need_extras=len(recorders)) for key in keys]
        missing = [row for row, entry in enumerate(entries) if entry is None]
        fresh = None
        if missing:
            fresh = self._compute_prefix(plan, missing, recorders)
            cache, offsets, extra_rows = fresh
            for row in missing:
                store.counted(plan.film_keys[row])
            if not storable(cache):  # a cache layout not known to split safely: used as is, never kept
                if len(missing) == len(entries):
                    for recorder, rows in zip(recorders, extra_rows):
                        recorder.rows = rows
                    return cache, offsets
                raise CaptureError("a prefix cache that cannot be split cannot be combined with kept films")
            for position, (row, single) in enumerate(zip(missing, split_rows(cache))):
                entry = PrefixEntry(single, None if offsets is None else offsets[position: position + 1].clone(),
                                    [{layer: value[position: position + 1] for layer, value in rows.items()} for rows in extra_rows]
                                    if recorders else None)
                entries[row] = entry
                store.put(keys[row], entry)
        for index, recorder in enumerate(recorders):
            layers = entries[0].extra_rows[index]
            recorder.rows = {layer: torch.cat([entry.extra_rows[index][layer] for entry in entries]) for layer in layers}
        if fresh is not None and len(missing) == len(entries):
            return fresh[0], fresh[1]  # every film new: the forward's own batched cache, no re-stacking
        offsets = None if entries[0].offset is None else torch.cat([entry.offset for entry in entries])
        return (entries[0].cache if len(entries) == 1 else stack_rows([entry.cache for entry in entries])), offsets

    def _compute_prefix(self, plan: PrefixPlan, rows: list[int], recorders: list[AttentionRecorder]):
        """One prefix forward over the plan's films at ``rows``: (cache, offsets, per recorder its rows)."""
        subset = replace(plan, films=[plan.films[row] for row in rows], film_keys=[plan.film_keys[row] for row in rows])
        picked = torch.tensor(rows, dtype=torch.long)
        partial = [replace(recorder, rows={}, query_index=recorder.query_index[picked],
                           key_index=None if recorder.key_index is None else recorder.key_index[picked]) for recorder in recorders]
        inputs, offsets = self.prefix_batch(subset)
        with recording(partial):
            output = self.model(**inputs, use_cache=True, logits_to_keep=1)
        cache = output.get("cache")  # transformers >= 5.24 names the KV cache ``cache`` (``past_key_values`` goes in 5.40)
        if cache is None:  # BLIP-2 nests the language model's outputs
            cache = output.language_model_outputs.cache
        return cache, offsets, [recorder.rows for recorder in partial]

    def prefix_batch(self, plan: PrefixPlan) -> tuple[dict, torch.Tensor | None]:
        """The prefix forward's inputs; positions of the suffix are the token indices."""
        return prefix_inputs(plan, ("input_ids", "attention_mask", "token_type_ids")), None

    def suffix_logits(self, inputs: dict, answer: torch.Tensor) -> torch.Tensor:
        """(films, K, V) logits at each packed slot's answer position: the head runs there only."""
        return self.model(**inputs, logits_to_keep=answer.to(self.device)).logits

    def _evaluate_with_prefix(self, plan: PrefixPlan, with_maps: bool, layers, fusion: str):
        chosen = select_layers(self.num_layers, layers)
        extras = self.extra_recorders(self._prefix_rows(plan)) if with_maps else []
        with torch.inference_mode():
            cache, offsets = self.prefix_cache(plan, extras)
            packed = packed_suffixes(plan, int(self.tokenizer.pad_token_id), cache, self.device,
                                     with_token_types="token_type_ids" in plan.encoded.inputs, segmented=self._segmented_suffixes())
            if offsets is not None:  # e.g. Qwen2.5-VL: text after the image continues from the image's rotary extent
                packed.inputs["position_ids"] = packed.inputs["position_ids"] + offsets.to(self.device)[:, None]
            recorders = []
            if with_maps:
                modules = self.decoder_attention_modules()
                films = len(plan.films)
                recorders = [AttentionRecorder({modules[i]: i for i in chosen}, plan.prefix_length + packed.answer,
                                               plan.image_positions.expand(films, -1), query_offset=plan.prefix_length)]
            with recording(recorders), segmented(packed.layout):
                logits = self.suffix_logits(packed.inputs, packed.answer)
        for recorder in recorders + extras:
            recorder.require_all_layers()
        film_of, slot_of = plan.film_of.to(logits.device), packed.slot_of.to(logits.device)
        scores = self.score_from_logits(logits[film_of, slot_of])
        if not with_maps:
            return [(score, None) for score in scores]
        for recorder in recorders:  # (films, H, K, N) -> each request's own row, (B, H, 1, N)
            recorder.rows = {layer: rows[film_of, :, slot_of][:, :, None, :] for layer, rows in recorder.rows.items()}
        for extra in extras:  # captured once per film in the prefix: each variant reads its film's rows
            extra.rows = {layer: rows.index_select(0, film_of.to(rows.device)) for layer, rows in extra.rows.items()}
        maps = self._maps(recorders + extras, plan.encoded, chosen, fusion, query="answer")
        return list(zip(scores, maps))

    def _segmented_suffixes(self) -> bool:
        """Block-diagonal suffix attention needs the capture implementation (which dispatches to
        it) on the language model; any other (a peer set to eager or SDPA) gets the dense mask."""
        if self.suffix_attention not in ("segments", "dense"):
            raise CaptureError(f"suffix_attention {self.suffix_attention!r}: expected 'segments' or 'dense'")
        text = self.model.config.get_text_config()
        return self.suffix_attention == "segments" and getattr(text, "_attn_implementation", None) == CAPTURE_IMPLEMENTATION

    def _prefix_rows(self, plan: PrefixPlan) -> Encoded:
        films = len(plan.films)
        return Encoded(inputs={}, input_ids=plan.encoded.input_ids[plan.films], image_positions=plan.image_positions[None].expand(films, -1),
                       answer_index=torch.zeros((films, 1), dtype=torch.long))
