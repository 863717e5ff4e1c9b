"""parse_answer on realistic model outputs: markdown, negation, hedges, refusals."""

import pytest

from vlmcore.answers import explain_answer, parse_answer

CASES = [
    # leading yes/no in any casing or markdown
    ("Yes", "yes"), ("yes.", "yes"), ("YES", "yes"), ("**Yes**", "yes"), ("**Yes.** There is a right pleural effusion.", "yes"),
    ("- Yes, cardiomegaly is present.", "yes"), ("# Answer\nYes", "yes"), ("`no`", "no"), ("No.", "no"), ("NO", "no"),
    ("Nope, the lungs are clear.", "no"), ("No, there is no pneumothorax.", "no"), ("Answer: yes", "yes"),
    ("The answer is no.", "no"), ("Negative.", "no"), ("Positive for pneumothorax.", "yes"), ("Absent.", "no"),
    ("Present.", "yes"), ("None seen.", "no"),
    # negations without a leading word
    ("There is no evidence of pneumothorax.", "no"), ("There is no evidence of pneumothorax", "no"),
    ("No evidence of pleural effusion.", "no"), ("Sharp costophrenic angles without effusion.", "no"),
    ("A pneumothorax is not seen.", "no"), ("Pleural effusion is not identified.", "no"),
    ("The study is negative for pneumothorax.", "no"), ("The lungs are clear of consolidation.", "no"),
    ("Cardiomegaly is absent.", "no"), ("The heart doesn't appear enlarged.", "no"),
    # presence
    ("There is a large left pleural effusion.", "yes"), ("The image shows cardiomegaly.", "yes"),
    ("Findings are consistent with pulmonary edema.", "yes"), ("A right-sided pneumothorax is present.", "yes"),
    ("There is evidence of consolidation in the right lower lobe.", "yes"), ("Enlarged cardiac silhouette is noted.", "yes"),
    # hedges -> uncertain
    ("There may be a small effusion.", "uncertain"), ("Possibly, but it is hard to tell.", "uncertain"),
    ("Likely yes.", "uncertain"), ("A small pneumothorax cannot be excluded.", "uncertain"),
    ("Findings are equivocal.", "uncertain"), ("Probably not.", "uncertain"), ("It is unclear from this image.", "uncertain"),
    ("Atelectasis versus consolidation.", "uncertain"),
    # refusals -> uncertain
    ("I cannot determine this from the image.", "uncertain"), ("As an AI, I am not able to provide a diagnosis.", "uncertain"),
    ("I'm unable to assess the image. Please consult a radiologist.", "uncertain"), ("I don't know.", "uncertain"),
    ("N/A", "uncertain"),
    # contradictions, empty, off-topic -> uncertain
    ("Yes and no.", "uncertain"), ("yes/no", "uncertain"), ("", "uncertain"), ("   ", "uncertain"), ("**", "uncertain"),
    ("The patient is a 57-year-old male.", "uncertain"), ("Chest radiograph, PA view.", "uncertain"),
    ("Yes, there is no effusion.", "uncertain"),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[f"{i:02d}" for i in range(len(CASES))])
def test_parse_answer(text, expected):
    assert parse_answer(text) == expected, explain_answer(text)


def test_at_least_40_realistic_outputs():
    assert len(CASES) >= 40


def test_question_selects_the_relevant_clause():
    text = "There is a small left pleural effusion, but no pneumothorax."
    assert parse_answer(text) == "uncertain"
    assert parse_answer(text, question="Is there a pneumothorax?") == "no"
    assert parse_answer(text, question="Is there pleural effusion?") == "yes"


def test_rule_is_reported():
    assert explain_answer("There is no evidence of pneumothorax.").rule == "negation-cue"
    assert explain_answer("Yes").rule == "leading-word"
    assert explain_answer("maybe").rule == "hedge"


def test_parser_reads_at_least_98_percent_of_the_realistic_corpus(capsys):
    """300 outputs in MedGemma / LLaVA / BLIP-2 / report styles (tests/answers/corpus.py), plus the cases above."""
    from tests.answers.corpus import corpus

    items = corpus() + [(text, None, expected) for text, expected in CASES]
    wrong = [(text, expected, explain_answer(text, question)) for text, question, expected in items
             if explain_answer(text, question).answer != expected]
    accuracy = 1 - len(wrong) / len(items)
    with capsys.disabled():
        print(f"\nparse_answer: {len(items) - len(wrong)} of {len(items)} outputs read right ({accuracy:.1%})")
    assert len(items) >= 250
    assert accuracy >= 0.98, wrong[:10]


@pytest.mark.parametrize("text, question, expected, rule", [
    ("No definite pneumothorax.", "Is there a pneumothorax?", "uncertain", "qualified-negation"),
    ("Findings suggest pleural effusion.", "Is there a pleural effusion?", "uncertain", "hedge"),
    ("Findings are compatible with consolidation.", "Is there consolidation?", "yes", "presence-cue"),
    ("The lung might look hazy, but it is clear. Answer: no", None, "no", "explicit-answer"),
    ("Answer: yes. This could also represent artefact.", None, "uncertain", "hedge"),
    ("## Assessment\n- Pneumothorax: **absent**\n- Pleural effusion: **present**", "Is there a pneumothorax?", "no", "finding-label"),
])
def test_new_rules_say_which_rule_decided(text, question, expected, rule):
    parsed = explain_answer(text, question)
    assert (parsed.answer, parsed.rule) == (expected, rule)
