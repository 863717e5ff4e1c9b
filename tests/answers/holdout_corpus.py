"""A second, smaller held-out corpus for the answer reader, written after the reader was built
and measured once before any rule was changed for it.

The first corpus (``report_corpus.py``) was written before the rules changed, but the rules
were then developed while its failures were visible, so its score is an optimistic estimate.
These outputs were written afterwards, from the same labelling policy (``report_corpus``'s
docstring) and in other phrasings, and the reader (and the library readers of
``library_comparison``) were measured on them once, before any change: that first score is the
honest estimate and is the one the test module reports as such.
"""

from __future__ import annotations

# fmt: off
ENTRIES: list[tuple[str, str, str, str]] = [
    ("report", "Is there emphysema?", "Hyperlucent lungs with flattened hemidiaphragms, consistent with emphysema.", "yes"),
    ("report", "Is there a pleural effusion?", "Blunting of the right costophrenic angle due to a small effusion.", "yes"),
    ("report", "Is there a pleural effusion on the left?", "Blunting of the right costophrenic angle due to a small effusion.", "no"),
    ("report", "Is there a pneumothorax?", "The lungs are expanded without pneumothorax.", "no"),
    ("report", "Is there pulmonary edema?", "Findings suggest mild pulmonary vascular congestion; no overt edema.", "uncertain"),
    ("report", "Is there cardiomegaly?", "The heart is top-normal in size.", "no"),
    ("report", "Is there consolidation?", "Patchy consolidation at the right base, worrisome for aspiration.", "yes"),
    ("report", "Is there pneumonia?", "Patchy consolidation at the right base, worrisome for aspiration.", "none"),
    ("report", "Is there atelectasis?", "Streaky left basilar opacities, most likely atelectasis.", "uncertain"),
    ("report", "Is there a nodule in the left lung?", "Nodular density projecting over the right mid lung.", "no"),
    ("report", "Is there a rib fracture?", "Acute fractures of the right fifth and sixth ribs.", "yes"),
    ("report", "Is there a rib fracture on the left?", "Acute fractures of the right fifth and sixth ribs.", "no"),
    ("report", "Is there a pneumothorax?", "Small left apical pneumothorax, slightly decreased from prior.", "yes"),
    ("report", "Is there a pneumothorax?", "Left apical pneumothorax is no longer visible.", "no"),
    ("report", "Is there a pleural effusion?", "Bilateral pleural effusions are again noted, unchanged.", "yes"),
    ("report", "Is there pulmonary edema?", "Interval improvement of interstitial edema, now mild.", "yes"),
    ("report", "Is there a pleural effusion?", "There is no longer a left pleural effusion.", "no"),
    ("report", "Is there consolidation in the left lung?", "Retrocardiac consolidation in the left lower lobe.", "yes"),
    ("report", "Is there atelectasis?", "No focal consolidation. Mild bibasilar atelectasis.", "yes"),
    ("report", "Is there consolidation?", "No focal consolidation. Mild bibasilar atelectasis.", "no"),
    ("report", "Is there a mass?", "No suspicious mass or nodule is seen.", "no"),
    ("report", "Is there a pleural effusion?", "Trace bilateral effusions cannot be excluded.", "uncertain"),
    ("report", "Is there cardiomegaly?", "Cardiac silhouette is mildly enlarged, unchanged.", "yes"),
    ("report", "Is the heart enlarged?", "Heart size is at the upper limits of normal.", "no"),
    ("report", "Is there a pneumothorax?", "No pneumothorax following line placement.", "no"),
    ("report", "Is there a pleural effusion?", "Small bilateral pleural effusions, right greater than left.", "yes"),
    ("report", "Is the right pleural effusion larger than the left?", "Small bilateral pleural effusions, right greater than left.", "yes"),
    ("report", "Is there a pneumothorax on the left?", "Right pneumothorax with a chest tube in place; the left lung is clear.", "no"),
    ("sections", "Is there pneumonia?", "FINDINGS: Dense right middle lobe consolidation.\nIMPRESSION: Right middle lobe pneumonia.", "yes"),
    ("sections", "Is there a pleural effusion?", "FINDINGS: Dense right middle lobe consolidation.\nIMPRESSION: Right middle lobe pneumonia.", "none"),
    ("sections", "Is there cardiomegaly?", "FINDINGS: Heart size normal. Lungs clear.\nIMPRESSION: Normal chest.", "no"),
    ("sections", "Is there a nodule?", "IMPRESSION:\n1. No acute cardiopulmonary process.\n2. Stable 4 mm right upper lobe nodule.", "yes"),
    ("sections", "Is there pneumonia?", "IMPRESSION:\n1. No acute cardiopulmonary process.\n2. Stable 4 mm right upper lobe nodule.", "no"),
    ("terse", "Is there a pleural effusion?", "Yes, bilateral.", "yes"),
    ("terse", "Is there a pneumothorax?", "no.", "no"),
    ("terse", "Is there cardiomegaly?", "Yes - mild.", "yes"),
    ("terse", "Is there atelectasis?", "Not seen.", "no"),
    ("terse", "Is there consolidation?", "Absent.", "no"),
    ("terse", "Is there a nodule?", "Unclear.", "uncertain"),
    ("preamble", "Is there a pneumothorax?", "After analyzing the radiograph, I can confirm there is a right-sided pneumothorax.", "yes"),
    ("preamble", "Is there pneumonia?", "In this chest X-ray, the lungs appear clear with no signs of pneumonia.", "no"),
    ("preamble", "Is there a pleural effusion?", "The chest radiograph demonstrates a moderate left-sided pleural effusion.", "yes"),
    ("preamble", "Is there a pleural effusion on the right?", "The chest radiograph demonstrates a moderate left-sided pleural effusion.", "no"),
    ("preamble", "Is the heart enlarged?", "Looking at the image, the cardiac silhouette appears normal in size.", "no"),
    ("preamble", "Is there a rib fracture?", "Upon review, there are no visible rib fractures.", "no"),
    ("preamble", "Is there pulmonary edema?", "From what I can see, there might be some mild pulmonary edema.", "uncertain"),
    ("markdown", "Is there a pleural effusion?", "**Answer: Yes**\n\nA small right pleural effusion is present.", "yes"),
    ("markdown", "Is there a pneumothorax?", "**Findings**\n- No pneumothorax\n- Small left effusion", "no"),
    ("markdown", "Is there a pleural effusion?", "**Findings**\n- No pneumothorax\n- Small left effusion", "yes"),
    ("markdown", "Is there consolidation?", "### Answer\n**No** focal consolidation is identified.", "no"),
    ("markdown", "Is there cardiomegaly?", "* Cardiomegaly: yes (moderate)\n* Edema: no", "yes"),
    ("markdown", "Is there pulmonary edema?", "* Cardiomegaly: yes (moderate)\n* Edema: no", "no"),
    ("verbose", "Is there a pneumothorax?", ("When evaluating for pneumothorax, one looks for a visceral pleural line. On this "
                                        "film, no such line is visible at either apex, and lung markings extend to the chest "
                                        "wall. There is therefore no pneumothorax."), "no"),
    ("verbose", "Is there a pleural effusion?", ("The frontal chest radiograph shows clear lungs. Both costophrenic angles are "
                                            "sharp. The heart is not enlarged. Overall, no pleural effusion is present."), "no"),
    ("verbose", "Is there cardiomegaly?", ("The cardiothoracic ratio exceeds 0.5 on this PA film, and the left heart border "
                                      "is displaced laterally. These features indicate cardiomegaly."), "yes"),
    ("reasoning", "Is there atelectasis?", ("Let me look at the lung bases. The left hemidiaphragm is obscured by a linear "
                                       "density. This is most consistent with atelectasis. Answer: yes."), "yes"),
    ("reasoning", "Is there a nodule?", "First, check both lungs for round opacities. None are present. So, no.", "no"),
    ("reasoning", "Is there a pleural effusion?", "Thinking step by step: meniscus sign absent, angles sharp. The answer is no.", "no"),
    ("r1", "Is there consolidation?", ("<think>Dense airspace opacity in the right lower lobe with air bronchograms.</think>"
                                  "<answer>yes</answer>"), "yes"),
    ("r1", "Is there a pneumothorax?", "<think>The left apex", "none"),
    ("r1", "Is there cardiomegaly?", "<think>CTR about 0.4.</think>\n<answer>No</answer>", "no"),
    ("r1", "Is there a pleural effusion?", ("<think>Sharp angles bilaterally.</think>\n\n<answer>No, there is no pleural effusion."
                                       "</answer>"), "no"),
    ("r1", "Is there pulmonary edema?", "<think>\nKerley lines and perihilar haze.\n</think>\n<answer>", "none"),
    ("gemma", "Is there a pneumothorax?", ("<unused94>thought\nLook at apices; pleural line on the right.<unused95>Yes, a small "
                                      "right apical pneumothorax is visible."), "yes"),
    ("gemma", "Is there a pleural effusion?", "<unused94>thought\nThe costophrenic angles look", "none"),
    ("gemma", "Is there atelectasis?", ("<unused94>thought\nLinear opacity.<unused95>Possibly, there may be mild atelectasis "
                                   "at the left base."), "uncertain"),
    ("cutoff", "Is there consolidation?", "To determine whether consolidation is present, I will first examine the", "none"),
    ("cutoff", "Is there a pleural effusion?", "The image is a frontal chest radiograph. First, looking at the", "none"),
    ("refusal", "Is there cardiomegaly?", "I can't interpret medical images.", "none"),
    ("refusal", "Is there a pneumothorax?", "This image is not a chest X-ray.", "none"),
    ("hedged", "Is there a pleural effusion?", "It looks like there could be a small effusion on the left, but I'm not certain.",
     "uncertain"),
    ("hedged", "Is there pneumonia?", "An infiltrate in the left lower lobe may indicate pneumonia.", "uncertain"),
    ("hedged", "Is there a pneumothorax?", "I don't think there is a pneumothorax.", "no"),
    ("contradiction", "Is there a pleural effusion?", "No. There is a large right pleural effusion.", "uncertain"),
]
# fmt: on


def corpus() -> list[tuple[str, str, str, str]]:
    return list(ENTRIES)
