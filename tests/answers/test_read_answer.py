"""read_answer on the report-style corpus, the reasoning formats and the counting rule.

``tests/answers/report_corpus.py`` (411 outputs, 12 styles) was **written before any reader rule
changed** (commit 21f7d1d, "Answer corpus (issue 26)"; main's parse_answer read 242 of 411 of it right); the rules were
then developed against it, so its score is optimistic. ``holdout_corpus.py`` (74 outputs) was
written after the reader was built and measured once before any change for it: 69 of 74
(93.2%) on that first run; medspaCy + the shared front end read 52 (70.3%), negspaCy 48.
"""

from collections import Counter

import pytest

from vlmcore.answers import AnswerReading, outcome, read_answer
from vlmcore.answers.formats import answer_region


def _agreement(items, capsys, name):
    confusion = Counter()
    wrong = []
    for style, question, text, expected in items:
        reading = read_answer(text, question)
        confusion[(expected, reading.answer)] += 1
        if reading.answer != expected:
            wrong.append((style, question, text, expected, reading))
    right = len(items) - len(wrong)
    failures = {k: sum(v for (e, a), v in confusion.items() if a == k) for k in ("uncertain", "none")}
    misread_answers = sum(v for (e, a), v in confusion.items() if e in ("yes", "no") and a in ("yes", "no") and e != a)
    with capsys.disabled():
        print(f"\nread_answer on {name}: {right} of {len(items)} right ({right / len(items):.1%}); extraction failures "
              f"read: {failures['uncertain']} uncertain, {failures['none']} no answer; yes/no read as the opposite: "
              f"{misread_answers}")
    return right / len(items), wrong


def test_reads_at_least_95_percent_of_the_report_style_corpus(capsys):
    from tests.answers.report_corpus import corpus

    items = corpus()
    accuracy, wrong = _agreement(items, capsys, "the report-style corpus")
    assert len(items) >= 300 and len({text for _, _, text, _ in items}) >= 300
    assert len({style for style, *_ in items}) >= 10
    assert accuracy >= 0.95, wrong[:10]


def test_hold_out_corpus(capsys):
    from tests.answers.holdout_corpus import corpus

    accuracy, wrong = _agreement(corpus(), capsys, "the hold-out corpus")
    assert accuracy >= 0.95, wrong[:10]


def test_every_style_reads_at_least_85_percent():
    from tests.answers.report_corpus import corpus

    by_style, right = Counter(), Counter()
    for style, question, text, expected in corpus():
        by_style[style] += 1
        right[style] += read_answer(text, question).answer == expected
    low = {s: f"{right[s]}/{n}" for s, n in by_style.items() if right[s] / n < 0.85}
    assert not low


@pytest.mark.parametrize("text, answer, rule, evidence", [
    ("<think>The left angle is blunted.</think>\n<answer>Yes</answer>", "yes", "leading-word", "Yes"),
    ("<think>Looking at the right apex, I can see", "none", "reasoning-cut-off", None),
    ("<think>No pleural line.</think>", "none", "no-answer-after-reasoning", None),
    ("The apex shows a pleural line.</think>No.", "no", "leading-word", "No"),
    ("<unused94>thought\nBlunted left angle.<unused95>**Yes**, a small left effusion.", "yes", "leading-word", "Yes"),
    ("<unused94>thought\nThe costophrenic angles look", "none", "reasoning-cut-off", None),
    ("<think>Blunted left angle.</think><answer>Yes", "yes", "leading-word", "Yes"),
    ("<answer></answer>", "none", "no-answer-after-reasoning", None),
])
def test_reasoning_formats(text, answer, rule, evidence):
    reading = read_answer(text, "Is there a pleural effusion?")
    assert (reading.answer, reading.rule) == (answer, rule)
    if evidence:
        assert reading.evidence(text) == evidence


def test_declared_format_without_its_closing_tag_is_cut_off_reasoning():
    text = "The costophrenic angles are sharp and there is"
    assert read_answer(text, "Is there a pleural effusion?", reasoning="think").answer == "none"
    assert read_answer("No effusion.", "Is there a pleural effusion?", reasoning="gemma").answer == "no"  # thinking off
    with pytest.raises(ValueError, match="reasoning format"):
        answer_region("x", "r1")


def test_the_span_is_the_part_that_decided():
    text = "No pneumothorax. Moderate right pleural effusion."
    effusion = read_answer(text, "Is there a pleural effusion?")
    assert effusion.answer == "yes" and effusion.evidence(text) == "Moderate right pleural effusion"
    pneumothorax = read_answer(text, "Is there a pneumothorax?")
    assert pneumothorax.answer == "no" and pneumothorax.evidence(text) == "pneumothorax"
    assert read_answer(text, "Is there a left pleural effusion?").rule == "named-elsewhere"


def test_extraction_failures_count_apart_from_wrong_answers():
    cut = read_answer("<think>Looking at the", "Is there a pleural effusion?")
    hedge = read_answer("Possible small effusion.", "Is there a pleural effusion?")
    assert cut.extraction_failure and hedge.extraction_failure
    assert outcome(cut, "yes") == "no answer" and outcome(hedge, "no") == "uncertain"
    assert outcome(AnswerReading("no", "negation-cue", None), "yes") == "wrong"
    assert outcome(AnswerReading("yes", "leading-word", None), "Yes") == "right"


@pytest.mark.parametrize("text, question, answer", [
    ("There is a right pleural effusion.", "Is there a left pleural effusion?", "no"),
    ("Bilateral pleural effusions.", "Is there a left pleural effusion?", "yes"),
    ("Interval resolution of the left effusion.", "Is there a pleural effusion?", "no"),
    ("Persistent small left effusion.", "Has the effusion resolved?", "no"),
    ("The effusion has resolved.", "Has the effusion resolved?", "yes"),
    ("Possible left lower lobe pneumonia. No pleural effusion.", "Is there a pleural effusion?", "no"),
    ("Old healed left rib fractures.", "Is there an acute rib fracture?", "no"),
    ("Mild cardiomegaly.", "Is the heart size normal?", "no"),
    ("Bilateral effusions, left greater than right.", "Is the left pleural effusion larger than the right?", "yes"),
    ("No pneumothorax.", "Is there no pneumothorax?", "yes"),
    ("Small right pneumothorax.", "Is the pneumothorax absent?", "no"),
])
def test_question_aware_reading(text, question, answer):
    assert read_answer(text, question).answer == answer
