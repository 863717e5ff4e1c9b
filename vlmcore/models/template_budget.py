"""Chat templates rendered within a budget of steps, time and size (issue 23 item 5).

A checkpoint's chat template is a program from the checkpoint's author. transformers renders it
in Jinja's immutable sandbox (no attribute escapes), but the sandbox bounds neither time nor
memory: two nested ``range(100000)`` loops run for hours, and a template printing 3e9
characters exhausts memory. No subprocess runs on user data, so the rendering itself is
budgeted here, in the same sandbox with the same globals and filters as transformers:

- every loop iteration, call, filter and emitted chunk is a step; at most ``max_steps`` steps
  and ``max_seconds`` seconds (checked at every step);
- everything emitted, in any block or macro, counts towards ``max_output`` characters;
- values that grow (``*``, ``+``, ``~``, ``**``, ``%`` and ``format``, filters, calls) are checked
  before they are built where their size is known in advance, and after otherwise; a width or
  count argument above ``max_width`` is refused (``center(3000000000)``, ``'{:>999999999}'``).

Over budget: ``TemplateBudgetExceeded`` naming the limit. Within it the result equals transformers'
rendering (tested on every bundled family's template).
"""

from __future__ import annotations

import contextvars
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps

from vlmcore.errors import ConfigError


@dataclass(frozen=True)
class TemplateBudget:
    max_steps: int = 1_000_000
    max_seconds: float = 2.0
    max_output: int = 1_000_000  # characters emitted, and the size of any value built
    max_width: int = 10_000  # a width / count / indent argument


class TemplateBudgetExceeded(ConfigError):
    """The chat template ran past its budget while rendering one prompt."""


class _Meter:
    def __init__(self, budget: TemplateBudget):
        self.budget = budget
        self.steps = 0
        self.output = 0
        self.deadline = time.monotonic() + budget.max_seconds

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.budget.max_steps:
            raise TemplateBudgetExceeded(f"chat template: more than {self.budget.max_steps:,} steps (loop iterations, calls, "
                                         "filters) for one prompt")
        if time.monotonic() > self.deadline:
            raise TemplateBudgetExceeded(f"chat template: rendering one prompt took more than {self.budget.max_seconds:g} s")

    def size(self, value, what: str) -> None:
        length = _length(value)
        if length > self.budget.max_output:
            raise TemplateBudgetExceeded(f"chat template: {what} of {length:,} characters/items (at most "
                                         f"{self.budget.max_output:,})")
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 65_536:
            raise TemplateBudgetExceeded(f"chat template: {what} is an integer of {value.bit_length():,} bits")

    def emitted(self, value) -> None:
        self.output += len(str(value))
        if self.output > self.budget.max_output:
            raise TemplateBudgetExceeded(f"chat template: more than {self.budget.max_output:,} characters of output for one prompt")

    def width(self, value, what: str) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > self.budget.max_width:
            raise TemplateBudgetExceeded(f"chat template: {what} argument {value:,} (at most {self.budget.max_width:,})")


_METER: contextvars.ContextVar[_Meter | None] = contextvars.ContextVar("vlmcore_template_meter", default=None)
_WIDE_FORMAT = re.compile(r"\d{6,}")  # a width or precision of a million or more in a format string


def _length(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple, dict, set)) else 0


def _meter() -> _Meter:
    meter = _METER.get()
    if meter is None:  # rendered outside render_budgeted: still bounded, by a fresh default budget
        meter = _Meter(TemplateBudget())
        _METER.set(meter)
    return meter


def _environment():
    """A sandboxed environment like transformers' chat-template environment, with meters."""
    import jinja2
    from jinja2 import nodes
    from jinja2.ext import Extension, loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.visitor import NodeTransformer

    def call(name: str, *arguments):
        return nodes.Call(nodes.Name(name, "load"), list(arguments), [], None, None)

    class Metered(NodeTransformer):
        """Every loop iterates through a counter, every emitted chunk is counted, every ``~`` is sized."""

        def visit_For(self, node):
            node = self.generic_visit(node)
            node.iter = call("vlmcore_iterate", node.iter)
            return node

        def visit_Output(self, node):
            node = self.generic_visit(node)
            node.nodes = [call("vlmcore_emit", nodes.Const(child.data) if isinstance(child, nodes.TemplateData) else child)
                          for child in node.nodes]
            return node

        def visit_Concat(self, node):
            return call("vlmcore_sized", self.generic_visit(node))

    class Generation(Extension):
        """``{% generation %}...{% endgeneration %}`` (assistant-mask markers): renders its body."""

        tags = {"generation"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return nodes.Scope(body).set_lineno(lineno)

    class BudgetedEnvironment(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def _parse(self, source, name, filename):
            return Metered().visit(super()._parse(source, name, filename))

        def call_binop(self, context, operator, left, right):
            meter = _meter()
            meter.step()
            if operator == "*":
                for sequence, count in ((left, right), (right, left)):
                    if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                        if len(sequence) * max(count, 0) > meter.budget.max_output:
                            raise TemplateBudgetExceeded(f"chat template: a value of {len(sequence) * count:,} characters/items "
                                                         f"(at most {meter.budget.max_output:,})")
            if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and \
                    abs(left) > 1 and right * abs(left).bit_length() > 65_536:
                raise TemplateBudgetExceeded(f"chat template: {left} ** {right} is too large a number")
            if operator == "+" and _length(left) + _length(right) > meter.budget.max_output:
                raise TemplateBudgetExceeded(f"chat template: a value of {_length(left) + _length(right):,} characters/items "
                                             f"(at most {meter.budget.max_output:,})")
            if operator == "%" and isinstance(left, str):
                _check_format(left, right if isinstance(right, (tuple, list)) else (right,), meter)
            result = super().call_binop(context, operator, left, right)
            meter.size(result, f"the result of {operator!r}")
            return result

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's own signature)
            meter = _meter()
            meter.step()
            wrapped = getattr(__obj, "__wrapped__", None)  # the sandbox's wrapper of str.format / format_map
            if isinstance(getattr(wrapped, "__self__", None), str):
                _check_format(wrapped.__self__, tuple(args) + tuple(kwargs.values()), meter)
            if isinstance(getattr(__obj, "__self__", None), str):  # str.center / ljust / zfill / expandtabs ...
                for value in list(args) + list(kwargs.values()):
                    meter.width(value, f"the {getattr(__obj, '__name__', 'method')!r} method's")
                if getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                    _check_replace(__obj.__self__, args[0], args[1], meter)
            result = super().call(__context, __obj, *args, **kwargs)
            if __obj is jinja2.sandbox.safe_range:
                meter.step(len(result))  # the loop over it is counted as it runs too; a range is paid for up front
            meter.size(result, "a call's result")
            return result

    environment = BudgetedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    class TemplateNamespace(jinja2.utils.Namespace):
        def __init__(*args, **kwargs):
            self, args = args[0], args[1:]
            attributes = dict(*args, **kwargs)
            if any(isinstance(name, str) and name.startswith("_") for name in attributes):
                raise jinja2.exceptions.SecurityError("chat templates cannot store underscore-prefixed attributes on a namespace")
            jinja2.utils.Namespace.__init__(self, attributes)

    environment.filters["tojson"] = tojson
    environment.filters = {name: _metered_filter(name, function) for name, function in environment.filters.items()}
    environment.globals.update(raise_exception=raise_exception, strftime_now=lambda fmt: datetime.now().strftime(fmt),
                               namespace=TemplateNamespace, vlmcore_iterate=_iterate, vlmcore_emit=_emit, vlmcore_sized=_sized)
    return environment


def _check_format(text: str, arguments, meter: _Meter) -> None:
    if _WIDE_FORMAT.search(text):
        raise TemplateBudgetExceeded(f"chat template: a format string with a width of a million or more ({text[:40]!r})")
    for value in arguments:
        meter.width(value, "a format")


#: filters whose numeric arguments are widths or counts of what they build
WIDTH_FILTERS = ("center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "tojson", "filesizeformat")


def _check_replace(text, old, new, meter: _Meter) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grown = len(text) + text.count(old) * (len(new) - len(old))
        if grown > meter.budget.max_output:
            raise TemplateBudgetExceeded(f"chat template: 'replace' would build {grown:,} characters (at most {meter.budget.max_output:,})")


def _metered_filter(name: str, function):
    first = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1  # the pass-through argument, then the value

    @wraps(function)
    def metered(*args, **kwargs):
        meter = _meter()
        meter.step()
        if name in WIDTH_FILTERS:
            for value in list(args[first:]) + list(kwargs.values()):
                meter.width(value, f"the {name!r} filter's")
        args = list(args)
        if name == "join" and len(args) >= first:
            value = args[first - 1]
            items = list(value) if not isinstance(value, (str, list, tuple)) else value
            meter.size(items, "the 'join' filter's input")
            args[first - 1] = items
            separator = args[first] if len(args) > first else kwargs.get("d", "")
            total = sum(len(str(i)) for i in items) + len(str(separator)) * max(len(items) - 1, 0)
            if total > meter.budget.max_output:
                raise TemplateBudgetExceeded(f"chat template: 'join' would build {total:,} characters (at most {meter.budget.max_output:,})")
        if name == "replace" and len(args) >= first + 2:
            _check_replace(str(args[first - 1]), args[first], args[first + 1], meter)
        result = function(*args, **kwargs)
        meter.size(result, f"the {name!r} filter's result")
        return result

    return metered


def _iterate(iterable):
    meter = _meter()
    for item in iterable:
        meter.step()
        yield item


def _emit(value):
    meter = _meter()
    meter.step()
    meter.emitted(value)
    return value


def _sized(value):
    meter = _meter()
    meter.step()
    meter.size(value, "a '~' concatenation")
    return value


@lru_cache(maxsize=32)
def _compiled(template: str):
    return _environment().from_string(template)


def render_budgeted(template: str, budget: TemplateBudget = TemplateBudget(), **context) -> str:
    """``template`` rendered with ``context`` (messages, add_generation_prompt, special tokens...)
    within ``budget``; a ``str`` path names a template file when it ends in ``.jinja`` (for tools)."""
    if template.endswith(".jinja") and "\n" not in template and "{" not in template:
        with open(template) as handle:
            template = handle.read()
    meter = _Meter(budget)
    token = _METER.set(meter)
    try:
        compiled = _compiled(template)
        chunks = []
        for chunk in compiled.generate(**context):
            chunks.append(chunk)
        return "".join(chunks)
    except RecursionError:
        raise TemplateBudgetExceeded("chat template: recursion too deep") from None
    except MemoryError:
        raise TemplateBudgetExceeded("chat template: ran out of memory while rendering") from None
    finally:
        _METER.reset(token)


def render_chat_prompt(processor, question: str, budget: TemplateBudget = TemplateBudget()) -> str:
    """The processor's chat template applied to one user turn (an image and ``question``), as
    ``processor.apply_chat_template(..., add_generation_prompt=True, tokenize=False)`` renders it,
    within ``budget``."""
    template = processor.chat_template
    if isinstance(template, dict):
        if "default" not in template:
            raise ConfigError(f"the processor has several chat templates ({sorted(template)}) and none is named 'default'")
        template = template["default"]
    if not template:
        raise ConfigError("the processor has no chat template")
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": question}]}]
    tokens = {key: str(value) for key, value in processor.tokenizer.special_tokens_map.items() if isinstance(value, str)}
    tokens.update({key: value for key, value in processor.tokenizer.special_tokens_map.items() if isinstance(value, list)})
    return render_budgeted(template, budget, messages=messages, tools=None, documents=None, add_generation_prompt=True, **tokens)


PROBE_QUESTION = "Is there a pleural effusion?"


def checkpoint_templates(folder) -> list[tuple[str, str]]:
    """(where, template) for every chat template a checkpoint folder may use as its default."""
    from pathlib import Path

    folder = Path(folder)
    found = []
    if (folder / "chat_template.jinja").is_file():
        found.append((str(folder / "chat_template.jinja"), (folder / "chat_template.jinja").read_text()))
    for name in ("chat_template.json", "processor_config.json", "tokenizer_config.json"):
        path = folder / name
        if not path.is_file():
            continue
        try:
            template = json.loads(path.read_text()).get("chat_template")
        except (ValueError, AttributeError):
            continue
        if isinstance(template, list):  # named templates: [{"name": ..., "template": ...}]
            template = next((t.get("template") for t in template if isinstance(t, dict) and t.get("name") == "default"), None)
        if isinstance(template, str) and template:
            found.append((f"{path} (chat_template)", template))
    return found


def _special_tokens(folder) -> dict:
    from pathlib import Path

    tokens = {}
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        path = Path(folder) / name
        try:
            document = json.loads(path.read_text()) if path.is_file() else {}
        except ValueError:
            continue
        for key, value in document.items():
            if key.endswith("_token"):
                value = value.get("content") if isinstance(value, dict) else value
                if isinstance(value, str):
                    tokens[key] = value
    return tokens


def check_checkpoint_templates(folder, budget: TemplateBudget = TemplateBudget()) -> None:
    """Render each chat template of a checkpoint once, at start-up, within the budget: a template
    that runs away is refused (``TemplateBudgetExceeded`` naming its file) before any model loads.
    Other template errors are left to the load, which reports them with the processor's context."""
    import jinja2

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": PROBE_QUESTION}]}]
    tokens = _special_tokens(folder)
    for where, template in checkpoint_templates(folder):
        try:
            render_budgeted(template, budget, messages=messages, tools=None, documents=None, add_generation_prompt=True, **tokens)
        except TemplateBudgetExceeded as error:
            raise TemplateBudgetExceeded(f"{where}: {error}") from None
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError):
            continue
