"""A corpus of realistic model outputs with the answer a radiologist would read from them.

Written in the styles the suite meets: MedGemma (markdown headings, bold answers, reasoning
before or after the answer), LLaVA-1.5 (a sentence that starts with yes/no), BLIP-2 (a word
or a fragment), and free radiology-report phrasing (hedges, qualified negations, "suggests",
"consistent with", "cannot be excluded", refusals). Each template is filled with several
findings so the rules are exercised on different words, not one memorised sentence.

Labelling policy (what a careful reader takes from the text, never a guess):
- "consistent with X" / "compatible with X" / "diagnostic of X" state X: yes;
- "suggests X", "suggestive of", "concerning for", "suspicious for", "cannot be excluded",
  "may", "likely", "probable", "questionable" leave it open: uncertain;
- a *qualified* negation ("no significant effusion", "no definite pneumothorax", "no large
  nodule") does not exclude a small or doubtful finding: uncertain; "no evidence of X" is no;
- a final explicit answer after reasoning decides, unless a hedge follows it.
"""

FINDINGS = [("pleural effusion", "Is there a pleural effusion?"), ("pneumothorax", "Is there a pneumothorax?"),
            ("cardiomegaly", "Is there cardiomegaly?"), ("consolidation", "Is there consolidation?"),
            ("atelectasis", "Is there atelectasis?")]

TEMPLATES = [
    # MedGemma-style markdown
    ("**Answer:** Yes\n\n**Reasoning:** The image shows {f} in the right hemithorax.", "yes"),
    ("**Answer:** No\n\n**Reasoning:** There is no radiographic evidence of {f}.", "no"),
    ("## Assessment\n- {F}: **present**", "yes"),
    ("## Assessment\n- {F}: **absent**", "no"),
    ("**Findings:** The lungs are clear. No {f} is identified.\n\n**Answer:** No", "no"),
    ("Based on the image, **yes**, there is {f}.", "yes"),
    ("Based on the image, **no**, {f} is not seen.", "no"),
    ("**Impression:** Findings consistent with {f}.", "yes"),
    ("**Impression:** Findings suggestive of {f}; clinical correlation recommended.", "uncertain"),
    ("**Answer:** Yes, possibly. A subtle {f} cannot be excluded.", "uncertain"),
    # reasoning before the answer
    ("Looking at the costophrenic angles and the lung fields, I do not see {f}. Therefore, the answer is no.", "no"),
    ("The right hemithorax shows {f} with mediastinal shift. So the answer is yes.", "yes"),
    ("Let me think step by step. The heart and lungs look normal and there is no {f}. Final answer: no", "no"),
    ("First, I examine the lungs: {f} is clearly present. Answer: yes", "yes"),
    ("The left base might look hazy at first, but on closer inspection it is clear. Answer: no", "no"),
    ("Answer: yes. However, this could also represent artefact.", "uncertain"),
    # LLaVA-style sentences
    ("Yes, there is {f} in the image.", "yes"),
    ("Yes, the chest X-ray shows {f}.", "yes"),
    ("No, there is no {f} in the image.", "no"),
    ("No, the image does not show {f}.", "no"),
    ("Yes. {F} is visible on the left side.", "yes"),
    ("No. The lungs appear clear without {f}.", "no"),
    ("The image shows {f}.", "yes"),
    ("The chest X-ray does not show any signs of {f}.", "no"),
    ("There is no sign of {f} in this chest X-ray.", "no"),
    ("In the image, {f} can be seen on the right side.", "yes"),
    # BLIP-2 style: words and fragments
    ("yes", "yes"), ("no", "no"), ("yes it is", "yes"), ("no it is not", "no"),
    ("{f}", "uncertain"), ("chest x-ray", "uncertain"), ("left", "uncertain"),
    # report phrasing: negation
    ("No evidence of {f}.", "no"),
    ("There is no {f}.", "no"),
    ("{F} is not present.", "no"),
    ("Negative for {f}.", "no"),
    ("The study is without {f}.", "no"),
    ("No radiographic signs of {f} are identified.", "no"),
    ("{F} has resolved.", "no"),
    # report phrasing: presence and indirect presence
    ("There is {f}.", "yes"),
    ("{F} is present.", "yes"),
    ("Findings are compatible with {f}.", "yes"),
    ("The appearance is diagnostic of {f}.", "yes"),
    ("Radiographic findings consistent with {f} are noted.", "yes"),
    ("{F} is demonstrated.", "yes"),
    # hedges and indirect suggestions
    ("Findings suggest {f}.", "uncertain"),
    ("This may represent {f}.", "uncertain"),
    ("Possible {f}.", "uncertain"),
    ("Probable {f}.", "uncertain"),
    ("{F} is likely.", "uncertain"),
    ("{F} cannot be excluded.", "uncertain"),
    ("{F} cannot be ruled out on this view.", "uncertain"),
    ("The findings are concerning for {f}.", "uncertain"),
    ("Opacity suspicious for {f}.", "uncertain"),
    ("Questionable {f}.", "uncertain"),
    ("Equivocal for {f}; recommend follow-up imaging.", "uncertain"),
    # qualified negations
    ("No significant {f}.", "uncertain"),
    ("No definite {f}.", "uncertain"),
    ("No large {f} is seen.", "uncertain"),
    ("No obvious {f}.", "uncertain"),
    ("No convincing evidence of {f}.", "uncertain"),
    ("No definite evidence of {f}.", "uncertain"),
    ("No appreciable {f}.", "uncertain"),
    # refusals and off-topic
    ("I'm sorry, but I can't provide a medical diagnosis from this image.", "uncertain"),
    ("I am not able to determine whether there is {f} from this image alone.", "uncertain"),
    ("Please consult a radiologist for an accurate interpretation.", "uncertain"),
    ("This is a frontal chest radiograph of an adult patient.", "uncertain"),
    ("The image quality is insufficient to assess for {f}.", "uncertain"),
]


def corpus() -> list[tuple[str, str, str]]:
    """(output, question, expected) for every template and finding (BLIP-2 words once each)."""
    items = []
    for template, expected in TEMPLATES:
        fills = FINDINGS if "{f}" in template or "{F}" in template else FINDINGS[:1]
        for finding, question in fills:
            text = template.format(f=finding, F=finding[:1].upper() + finding[1:])
            items.append((text, question, expected))
    return items
