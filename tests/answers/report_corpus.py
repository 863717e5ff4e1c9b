"""A held-apart corpus of model outputs in radiology-report phrasing and in the styles real
models write, with the answer a careful radiologist reads from each.

**Written before any reader rule changed** (issue 26, item 3), from how chest X-ray reports
and model outputs are phrased, not from the rules of ``vlmcore.answers``: Findings / Impression
sections, numbered impressions, bare finding phrases ("Mild cardiomegaly."), several findings
in one sentence, sides and lobes, negation scope, hedges, interval change; and the model
styles the suite meets: terse words (BLIP-2), preamble then answer (LLaVA, Lingshu), markdown
and tables (MedGemma), hedged, verbose explanations, reasoning then answer, MedVLM-R1's
``<think>…</think><answer>…</answer>``, MedGemma's thinking channel
``<unused94>thought … <unused95>``, and reasoning cut off by the token budget.

Each entry is ``(style, question, output, expected)``; ``expected`` is one of

- ``yes``: the output states that the asked finding is present now, where the question asks
  (side, lobe, time). A bare finding phrase states it ("Trace left pleural effusion.");
  severity words (trace, minimal, mild, small) do not weaken it; "appears", "is seen",
  "consistent with", "compatible with" state it; interval words that keep it present
  ("persistent", "stable", "unchanged", "again seen", "redemonstrated", "residual",
  "increased", "decreased", "new", "worsening") state it;
- ``no``: the output states it absent: negated ("no", "without", "not seen", "neither … nor"),
  gone ("resolved", "no longer seen", "interval resolution", "has cleared"), excluded by a
  normal statement of the same structure ("heart size is normal" for cardiomegaly, "the lungs
  are clear" for airspace disease, "costophrenic angles are sharp" for effusion, "normal chest
  radiograph" / "no acute cardiopulmonary process" for acute findings); or present only
  elsewhere when the question names a side or lobe ("There is a right pleural effusion." asked
  about the left); or present only at another time than the question asks ("Old healed rib
  fractures." asked about an acute fracture);
- ``uncertain``: the output hedges about the asked finding ("possible", "may", "likely",
  "probable", "cannot be excluded", "suspicious for", "versus", "no definite",
  "no significant") or affirms and denies it at once;
- ``none``: no answer to read: empty, a refusal, text about something else only, or
  reasoning cut off before any answer (an unclosed ``<think>`` / ``<unused94>`` block, or
  plain reasoning that stops mid-sentence before concluding).

A hedge about another finding does not make the asked one uncertain ("Possible left lower
lobe pneumonia. No pleural effusion." asked about effusion is ``no``), and a negation does
not reach past its sentence or a "but" ("No pneumothorax. Moderate right pleural effusion."
asked about effusion is ``yes``).
"""

from __future__ import annotations

EFF = "Is there a pleural effusion?"
LEFF = "Is there a left pleural effusion?"
REFF = "Is there a pleural effusion on the right?"
PTX = "Is there a pneumothorax?"
LPTX = "Is there a left-sided pneumothorax?"
RPTX = "Is there a pneumothorax on the right side?"
CM = "Is there cardiomegaly?"
HEART = "Is the heart enlarged?"
CONS = "Is there consolidation?"
EDEMA = "Is there pulmonary edema?"
ATEL = "Is there atelectasis?"
PNA = "Is there pneumonia?"
NOD = "Is there a nodule?"
FX = "Is there a rib fracture?"
ACUTE_FX = "Is there an acute rib fracture?"
NEW_EFF = "Is there a new pleural effusion?"
OPAC = "Is there an opacity?"

# fmt: off
ENTRIES: list[tuple[str, str, str, str]] = [
    # --- report phrasing: bare finding phrases ---------------------------------------------------
    ("report", CM, "Mild cardiomegaly.", "yes"),
    ("report", HEART, "Mild cardiomegaly.", "yes"),
    ("report", EFF, "Trace left pleural effusion.", "yes"),
    ("report", LEFF, "Trace left pleural effusion.", "yes"),
    ("report", REFF, "Trace left pleural effusion.", "no"),
    ("report", PTX, "Small right apical pneumothorax.", "yes"),
    ("report", RPTX, "Small right apical pneumothorax.", "yes"),
    ("report", LPTX, "Small right apical pneumothorax.", "no"),
    ("report", LEFF, "Moderate bilateral pleural effusions.", "yes"),
    ("report", REFF, "Moderate bilateral pleural effusions.", "yes"),
    ("report", CONS, "Right lower lobe consolidation.", "yes"),
    ("report", "Is there consolidation in the left lower lobe?", "Right lower lobe consolidation.", "no"),
    ("report", ATEL, "Bibasilar atelectasis.", "yes"),
    ("report", "Is there atelectasis at the left base?", "Bibasilar atelectasis.", "yes"),
    ("report", CM, "Enlarged cardiac silhouette.", "yes"),
    ("report", EDEMA, "Mild interstitial pulmonary edema.", "yes"),
    ("report", "Is there an opacity in the left lung?", "Left basilar opacity.", "yes"),
    ("report", "Is there an opacity in the right lung?", "Left basilar opacity.", "no"),
    ("report", EFF, "Large left pleural effusion with associated compressive atelectasis.", "yes"),
    ("report", ATEL, "Large left pleural effusion with associated compressive atelectasis.", "yes"),
    ("report", FX, "Healed right rib fractures.", "yes"),
    ("report", ACUTE_FX, "Healed right rib fractures.", "no"),
    ("report", HEART, "Severe cardiomegaly.", "yes"),
    ("report", "Is there hyperinflation?", "Hyperinflated lungs.", "yes"),
    ("report", "Is there a mass?", "Left upper lobe mass.", "yes"),
    ("report", "Is there a mass in the right lung?", "Left upper lobe mass.", "no"),
    ("report", OPAC, "Patchy bilateral airspace opacities.", "yes"),
    ("report", NOD, "Calcified nodule in the right upper lobe, likely a granuloma.", "yes"),
    ("report", "Is there a nodule in the right upper lobe?", "Right upper lobe nodule.", "yes"),
    ("report", "Is there a nodule in the right lower lobe?", "Right upper lobe nodule.", "no"),
    ("report", "Is there emphysema?", "Emphysematous changes in both upper lobes.", "yes"),
    ("report", PTX, "Tiny left apical pneumothorax", "yes"),
    ("report", EFF, "small left effusion", "yes"),
    ("report", CM, "Cardiomegaly.", "yes"),
    ("report", EFF, "Layering right effusion.", "yes"),
    ("report", ATEL, "Linear atelectasis at the left base.", "yes"),
    ("report", "Is there a fracture of the clavicle?", "Displaced fracture of the left clavicle.", "yes"),
    ("report", "Is there scarring?", "Biapical pleural-parenchymal scarring.", "yes"),

    # --- negation and its scope; several findings in one sentence ---------------------------------
    ("report", EFF, "No pneumothorax. Moderate right pleural effusion.", "yes"),
    ("report", PTX, "No pneumothorax. Moderate right pleural effusion.", "no"),
    ("report", LEFF, "No pneumothorax. Moderate right pleural effusion.", "no"),
    ("report", REFF, "No pneumothorax. Moderate right pleural effusion.", "yes"),
    ("report", EFF, "No pneumothorax or pleural effusion.", "no"),
    ("report", PTX, "No pneumothorax or pleural effusion.", "no"),
    ("report", CONS, "No focal consolidation, pleural effusion, or pneumothorax.", "no"),
    ("report", EFF, "No focal consolidation, pleural effusion, or pneumothorax.", "no"),
    ("report", PTX, "No focal consolidation, pleural effusion, or pneumothorax.", "no"),
    ("report", CM, "Cardiomegaly without pulmonary edema.", "yes"),
    ("report", EDEMA, "Cardiomegaly without pulmonary edema.", "no"),
    ("report", EFF, "There is no pneumothorax, but a small left pleural effusion is present.", "yes"),
    ("report", PTX, "There is no pneumothorax, but a small left pleural effusion is present.", "no"),
    ("report", EFF, "Small left pleural effusion; no pneumothorax.", "yes"),
    ("report", PTX, "Small left pleural effusion; no pneumothorax.", "no"),
    ("report", HEART, "The heart is enlarged. No pleural effusion.", "yes"),
    ("report", EFF, "The heart is enlarged. No pleural effusion.", "no"),
    ("report", CM, "There is no evidence of pneumothorax, and the heart is enlarged.", "yes"),
    ("report", EDEMA, "There is cardiomegaly with bilateral pleural effusions and mild pulmonary edema.", "yes"),
    ("report", LEFF, "There is cardiomegaly with bilateral pleural effusions and mild pulmonary edema.", "yes"),
    ("report", CM, "There is cardiomegaly with bilateral pleural effusions and mild pulmonary edema.", "yes"),
    ("report", PTX, "Right lower lobe consolidation and a small right effusion; no pneumothorax.", "no"),
    ("report", EFF, "Right lower lobe consolidation and a small right effusion; no pneumothorax.", "yes"),
    ("report", CONS, "Right lower lobe consolidation and a small right effusion; no pneumothorax.", "yes"),
    ("report", CONS, "Lungs are clear without consolidation or effusion.", "no"),
    ("report", EFF, "Lungs are clear without consolidation or effusion.", "no"),
    ("report", PTX, "The lungs are hyperinflated but there is no pneumothorax.", "no"),
    ("report", FX, "No acute fracture. Old healed left rib fractures.", "yes"),
    ("report", ACUTE_FX, "No acute fracture. Old healed left rib fractures.", "no"),
    ("report", PTX, "Neither pneumothorax nor pleural effusion is seen.", "no"),
    ("report", EFF, "Neither pneumothorax nor pleural effusion is seen.", "no"),
    ("report", ATEL, "No pleural effusion. Left lower lobe atelectasis.", "yes"),
    ("report", EFF, "No pleural effusion. Left lower lobe atelectasis.", "no"),
    ("report", PTX, "Absence of pneumothorax following right chest tube placement.", "no"),
    ("report", EFF, "Pneumothorax is not seen; the right pleural effusion has increased.", "yes"),
    ("report", PTX, "Pneumothorax is not seen; the right pleural effusion has increased.", "no"),
    ("report", EFF, "No change in the moderate left pleural effusion.", "yes"),
    ("report", LEFF, "No change in the moderate left pleural effusion.", "yes"),
    ("report", CM, "No interval change in mild cardiomegaly.", "yes"),
    ("report", PTX, "No increase in the size of the right pneumothorax.", "yes"),
    ("report", "Is there new consolidation?", "No new consolidation.", "no"),
    ("report", EDEMA, "Cardiomegaly and pulmonary vascular congestion without frank edema.", "uncertain"),
    ("report", EFF, "Heart size is normal. Lungs are clear. No effusion.", "no"),
    ("report", CONS, "Left lower lobe collapse. No consolidation.", "no"),
    ("report", EFF, "No pleural effusion is identified, and there is mild cardiomegaly.", "no"),
    ("report", CM, "No pleural effusion is identified, and there is mild cardiomegaly.", "yes"),
    ("report", PNA, "There is no radiographic evidence of pneumonia.", "no"),
    ("report", PTX, "Right-sided chest tube in place. There is no residual pneumothorax.", "no"),
    ("report", NOD, "There are no suspicious pulmonary nodules.", "no"),
    ("report", EFF, "Without pleural effusion.", "no"),
    ("report", FX, "No rib fractures are identified.", "no"),
    ("report", EDEMA, "Lungs are clear, without edema or focal airspace disease.", "no"),

    # --- normal statements that exclude a finding ------------------------------------------------
    ("report", EFF, "The costophrenic angles are sharp.", "no"),
    ("report", CM, "Heart size is normal.", "no"),
    ("report", HEART, "The cardiac silhouette is within normal limits.", "no"),
    ("report", CM, "Normal heart size.", "no"),
    ("report", HEART, "The heart is not enlarged.", "no"),
    ("report", CONS, "The lungs are clear.", "no"),
    ("report", EDEMA, "The lungs are clear bilaterally.", "no"),
    ("report", PTX, "Normal chest radiograph.", "no"),
    ("report", PNA, "No acute cardiopulmonary process.", "no"),
    ("report", PTX, "No acute cardiopulmonary abnormality.", "no"),
    ("report", EFF, "Unremarkable chest x-ray.", "no"),
    ("report", CM, "The cardiomediastinal silhouette is normal in size and contour.", "no"),

    # --- sides and lobes --------------------------------------------------------------------------
    ("report", LEFF, "There is a right pleural effusion.", "no"),
    ("report", REFF, "There is a right pleural effusion.", "yes"),
    ("report", EFF, "There is a right pleural effusion.", "yes"),
    ("report", RPTX, "Left-sided pneumothorax.", "no"),
    ("report", LPTX, "Left-sided pneumothorax.", "yes"),
    ("report", REFF, "Bilateral pleural effusions, larger on the left.", "yes"),
    ("report", REFF, "Small left effusion. The right costophrenic angle is sharp.", "no"),
    ("report", LEFF, "Small left effusion. The right costophrenic angle is sharp.", "yes"),
    ("report", REFF, "Left greater than right pleural effusions.", "yes"),
    ("report", "Is there a fracture of the left ribs?", "Right-sided rib fractures.", "no"),
    ("report", "Is there an opacity in the left lung?", "Opacity at the right lung base.", "no"),
    ("report", "Is there consolidation in the left lung?", "Consolidation in the left lower lobe.", "yes"),
    ("report", "Is there a pneumothorax at the left apex?", "Left apical pneumothorax.", "yes"),
    ("report", LEFF, "Effusion on the right side.", "no"),
    ("report", REFF, "The right lung is clear. There is a small left pleural effusion.", "no"),
    ("report", LEFF, "The right lung is clear. There is a small left pleural effusion.", "yes"),
    ("report", LEFF, "No left pleural effusion. Small right pleural effusion.", "no"),
    ("report", REFF, "No left pleural effusion. Small right pleural effusion.", "yes"),
    ("report", EFF, "No left pleural effusion. Small right pleural effusion.", "yes"),
    ("report", "Is there consolidation in the left lung?", "The left lung is clear.", "no"),
    ("report", "Is there pneumonia in the left lung?", "Right lower lobe pneumonia.", "no"),
    ("report", "Is there atelectasis in the right lower lobe?", "Right middle lobe atelectasis.", "no"),
    ("report", "Is there atelectasis in the right middle lobe?", "Right middle lobe atelectasis.", "yes"),
    ("report", "Is there a left pneumothorax?", "Pneumothorax on the right. The left lung is fully expanded.", "no"),
    ("report", "Is there a right pneumothorax?", "Pneumothorax on the right. The left lung is fully expanded.", "yes"),
    ("report", "Is there a pleural effusion on the left side?", "Small right and moderate left pleural effusions.", "yes"),
    ("report", "Is there consolidation in the right upper lobe?", "Dense consolidation in the right upper lobe with air bronchograms.", "yes"),
    ("report", "Is there consolidation in the right upper lobe?", "Dense consolidation in the left upper lobe with air bronchograms.", "no"),
    ("report", "Is there a nodule in the left lung?", "A 1 cm nodule projects over the left mid lung.", "yes"),
    ("report", "Is there a right-sided pleural effusion?", "The left costophrenic angle is blunted by a small effusion.", "no"),

    # --- hedges ----------------------------------------------------------------------------------
    ("hedged", EFF, "Small right effusion cannot be excluded.", "uncertain"),
    ("hedged", EFF, "Possible small left pleural effusion.", "uncertain"),
    ("hedged", PNA, "Possible left lower lobe pneumonia. No pleural effusion.", "uncertain"),
    ("hedged", EFF, "Possible left lower lobe pneumonia. No pleural effusion.", "no"),
    ("hedged", ATEL, "Left basilar opacity, likely atelectasis.", "uncertain"),
    ("hedged", "Is there an opacity in the left lung?", "Left basilar opacity, likely atelectasis.", "yes"),
    ("hedged", PNA, "Left basilar opacity may represent atelectasis or pneumonia.", "uncertain"),
    ("hedged", PTX, "Questionable tiny right apical pneumothorax.", "uncertain"),
    ("hedged", PNA, "Findings are suspicious for early pneumonia.", "uncertain"),
    ("hedged", CONS, "Subtle opacity in the right lower lobe, which could be early consolidation.", "uncertain"),
    ("hedged", LEFF, "There may be a trace left effusion, but the right costophrenic angle is sharp.", "uncertain"),
    ("hedged", REFF, "There may be a trace left effusion, but the right costophrenic angle is sharp.", "no"),
    ("hedged", EFF, "Probable small bilateral effusions.", "uncertain"),
    ("hedged", PTX, "Cannot rule out a small pneumothorax.", "uncertain"),
    ("hedged", PTX, "A small pneumothorax is not excluded.", "uncertain"),
    ("hedged", CM, "Mild cardiomegaly. Possible mild pulmonary edema.", "yes"),
    ("hedged", EDEMA, "Mild cardiomegaly. Possible mild pulmonary edema.", "uncertain"),
    ("hedged", EFF, "Equivocal small left effusion.", "uncertain"),
    ("hedged", ATEL, "Atelectasis versus consolidation at the left base.", "uncertain"),
    ("hedged", CONS, "Atelectasis versus consolidation at the left base.", "uncertain"),
    ("hedged", EFF, "Likely small right pleural effusion.", "uncertain"),
    ("hedged", PTX, "No definite pneumothorax.", "uncertain"),
    ("hedged", EFF, "There is no significant pleural effusion.", "uncertain"),
    ("hedged", PNA, "Findings are indeterminate for pneumonia.", "uncertain"),
    ("hedged", EFF, "It's possible there is a small pleural effusion, but I can't be certain.", "uncertain"),
    ("hedged", RPTX, "I think there might be a pneumothorax on the right.", "uncertain"),
    ("hedged", EFF, "Yes, possibly.", "uncertain"),
    ("hedged", PTX, "Likely no.", "uncertain"),
    ("hedged", CM, "The heart may be mildly enlarged, although this is an AP film.", "uncertain"),
    ("hedged", EFF, "It is difficult to say whether there is an effusion on this portable film.", "uncertain"),
    ("hedged", PNA, "Right lower lobe opacity concerning for pneumonia.", "uncertain"),
    ("hedged", PTX, "A subtle pleural line at the right apex raises concern for a small pneumothorax.", "uncertain"),
    ("hedged", EDEMA, "Findings could reflect mild interstitial edema or atypical infection.", "uncertain"),
    ("hedged", EFF, "I'm not sure.", "uncertain"),
    ("hedged", CONS, "Hazy opacity at the right base, suggestive of consolidation.", "uncertain"),
    ("hedged", EFF, "Blunting of the left costophrenic angle may reflect a small effusion or pleural thickening.", "uncertain"),
    ("hedged", PTX, "Probably not, but a small apical pneumothorax is hard to exclude on a supine film.", "uncertain"),
    ("hedged", CM, "Borderline heart size.", "uncertain"),
    ("hedged", NOD, "A possible nodule overlies the right fourth rib.", "uncertain"),

    # --- time and change -------------------------------------------------------------------------
    ("report", EFF, "Interval resolution of the left effusion.", "no"),
    ("report", LEFF, "Interval resolution of the left effusion.", "no"),
    ("report", PTX, "The right pneumothorax has resolved.", "no"),
    ("report", RPTX, "Previously seen right pneumothorax is no longer visualized.", "no"),
    ("report", EFF, "Left pleural effusion is no longer seen.", "no"),
    ("report", EFF, "Persistent right pleural effusion.", "yes"),
    ("report", CM, "Stable mild cardiomegaly.", "yes"),
    ("report", PTX, "Unchanged small left apical pneumothorax.", "yes"),
    ("report", HEART, "Cardiomegaly is unchanged.", "yes"),
    ("report", NOD, "Redemonstrated right upper lobe nodule.", "yes"),
    ("report", EFF, "Again seen is a small left pleural effusion.", "yes"),
    ("report", EDEMA, "Improving but persistent pulmonary edema.", "yes"),
    ("report", EFF, "Decreased size of the left pleural effusion.", "yes"),
    ("report", REFF, "Increased right pleural effusion.", "yes"),
    ("report", EFF, "New small left pleural effusion.", "yes"),
    ("report", NEW_EFF, "New small left pleural effusion.", "yes"),
    ("report", NEW_EFF, "Small left pleural effusion, unchanged from prior.", "no"),
    ("report", CONS, "Resolved right lower lobe consolidation.", "no"),
    ("report", CONS, "The previously noted consolidation has cleared.", "no"),
    ("report", PTX, "Complete resolution of the right pneumothorax after chest tube placement.", "no"),
    ("report", PTX, "Residual small right apical pneumothorax.", "yes"),
    ("report", EDEMA, "Interval resolution of pulmonary edema; persistent small bilateral effusions.", "no"),
    ("report", EFF, "Interval resolution of pulmonary edema; persistent small bilateral effusions.", "yes"),
    ("report", PTX, "History of pneumothorax. No pneumothorax is seen.", "no"),
    ("report", PTX, "Status post right upper lobectomy.", "none"),
    ("report", FX, "Chronic left rib fractures.", "yes"),
    ("report", CONS, "Worsening right lower lobe consolidation.", "yes"),
    ("report", EFF, "The pleural effusion has decreased but persists.", "yes"),
    ("report", EFF, "The left effusion has almost completely resolved; a trace remains.", "yes"),
    ("report", ATEL, "Left basilar atelectasis has resolved.", "no"),
    ("report", EFF, "Bilateral pleural effusions have resolved.", "no"),
    ("report", EDEMA, "Pulmonary edema has worsened since yesterday.", "yes"),
    ("report", PTX, "Stable tiny left apical pneumothorax, unchanged since the prior study.", "yes"),
    ("report", NEW_EFF, "Small bilateral effusions are stable.", "no"),
    ("report", "Is there a new pneumothorax?", "No new pneumothorax.", "no"),
    ("report", CM, "Cardiomegaly, similar to prior.", "yes"),
    ("report", PTX, "The left pneumothorax is no longer present after removal of the chest tube.", "no"),
    ("report", CONS, "Consolidation in the right lower lobe has improved but not resolved.", "yes"),
    ("report", EFF, "There has been interval development of a moderate right pleural effusion.", "yes"),
    ("report", CONS, "The right lower lobe consolidation seen on the prior study is no longer evident.", "no"),

    # --- comparison and normality questions ------------------------------------------------------
    ("report", "Is the left pleural effusion larger than the right?", "Bilateral effusions, left greater than right.", "yes"),
    ("report", "Is the left pleural effusion larger than the right?", "Bilateral effusions, right greater than left.", "no"),
    ("report", "Is the left pleural effusion larger than the right?", "The right effusion is larger than the left.", "no"),
    ("report", "Is the right pleural effusion larger than the left?", "The right effusion is larger than the left.", "yes"),
    ("terse", "Is the left pleural effusion larger than the right?", "Yes, the left effusion is larger.", "yes"),
    ("report", "Is the heart size normal?", "Mild cardiomegaly.", "no"),
    ("report", "Is the heart size normal?", "The heart is normal in size.", "yes"),
    ("report", "Are the lungs clear?", "Right lower lobe consolidation.", "no"),
    ("report", "Are the lungs clear?", "The lungs are clear.", "yes"),
    ("terse", "Is the heart size normal?", "No, the heart is enlarged.", "no"),

    # --- terse -----------------------------------------------------------------------------------
    ("terse", EFF, "Yes", "yes"),
    ("terse", PTX, "No.", "no"),
    ("terse", CM, "yes", "yes"),
    ("terse", EDEMA, "no", "no"),
    ("terse", LEFF, "Yes.", "yes"),
    ("terse", EFF, "no effusion", "no"),
    ("terse", EFF, "effusion present", "yes"),
    ("terse", PTX, "No pneumothorax.", "no"),
    ("terse", CM, "Yes, cardiomegaly.", "yes"),
    ("terse", ATEL, "No atelectasis", "no"),
    ("terse", PTX, "YES", "yes"),
    ("terse", CONS, "Nope.", "no"),
    ("terse", PNA, "Negative.", "no"),
    ("terse", EFF, "Present.", "yes"),
    ("terse", PTX, "Absent", "no"),
    ("terse", LEFF, "Yes, left.", "yes"),
    ("terse", RPTX, "No, left.", "no"),
    ("terse", EFF, "no pneumothorax", "none"),
    ("terse", NOD, "right upper lobe", "none"),
    ("terse", EFF, "Yes and no.", "uncertain"),

    # --- preamble, then the answer ---------------------------------------------------------------
    ("preamble", EFF, "Based on the chest X-ray, there is a small left pleural effusion.", "yes"),
    ("preamble", PTX, "Based on the provided image, I do not see any evidence of pneumothorax.", "no"),
    ("preamble", CM, "Looking at this chest radiograph, the heart appears enlarged, consistent with cardiomegaly.", "yes"),
    ("preamble", EDEMA, "After careful review of the image, the answer is no.", "no"),
    ("preamble", CONS, "From the image provided, the lungs appear clear and there is no consolidation.", "no"),
    ("preamble", PTX, "Upon examination of the radiograph, I can see a right-sided pneumothorax.", "yes"),
    ("preamble", LPTX, "Upon examination of the radiograph, I can see a right-sided pneumothorax.", "no"),
    ("preamble", LEFF, "Sure! Looking at the X-ray, yes, there is an effusion on the left.", "yes"),
    ("preamble", EDEMA, "Certainly. The image shows no signs of pulmonary edema.", "no"),
    ("preamble", EFF, "Based on the chest X-ray, there appears to be a small left pleural effusion.", "yes"),
    ("preamble", ATEL, "In this frontal chest radiograph, there is linear atelectasis at the right base.", "yes"),
    ("preamble", PNA, "The chest X-ray shows a right lower lobe opacity consistent with pneumonia.", "yes"),
    ("preamble", NOD, "According to the image, there is no nodule visible in either lung.", "no"),
    ("preamble", FX, "On this radiograph, the ribs appear intact with no fracture.", "no"),
    ("preamble", CM, "The image provided shows a normal-sized heart.", "no"),
    ("preamble", EFF, "Thank you for the question. After reviewing the image, I can confirm that there is no pleural effusion.", "no"),
    ("preamble", REFF, "Based on my analysis of the chest X-ray, the right costophrenic angle is blunted by a moderate pleural effusion.", "yes"),
    ("preamble", PTX, "Analyzing the chest X-ray: no, there is no pneumothorax.", "no"),
    ("preamble", HEART, "In the given chest radiograph, the cardiothoracic ratio is greater than 0.5, indicating an enlarged heart.", "yes"),
    ("preamble", EFF, "The X-ray image reveals bilateral pleural effusions.", "yes"),
    ("preamble", CONS, "This chest X-ray demonstrates consolidation in the left lower lobe.", "yes"),
    ("preamble", PTX, "Based on the image, the answer to your question is yes, a pneumothorax is present on the left.", "yes"),
    ("preamble", EDEMA, "Looking at the lungs, I observe diffuse bilateral interstitial opacities consistent with pulmonary edema.", "yes"),
    ("preamble", LEFF, "Based on the chest X-ray, there is a right pleural effusion; the left side is clear.", "no"),
    ("preamble", EFF, "To answer your question: Yes.", "yes"),

    # --- markdown --------------------------------------------------------------------------------
    ("markdown", EFF, "**Yes**", "yes"),
    ("markdown", PTX, "**No**", "no"),
    ("markdown", REFF, "**Yes.** There is a moderate right pleural effusion.", "yes"),
    ("markdown", EFF, "**Answer: No**\n\nThe costophrenic angles are sharp.", "no"),
    ("markdown", EFF, "### Findings\n- Cardiomegaly: present\n- Pleural effusion: absent", "no"),
    ("markdown", CM, "### Findings\n- Cardiomegaly: present\n- Pleural effusion: absent", "yes"),
    ("markdown", CM, "**Findings:** Mild cardiomegaly. No pleural effusion.\n\n**Impression:** Mild cardiomegaly.", "yes"),
    ("markdown", EFF, "**Findings:** Mild cardiomegaly. No pleural effusion.\n\n**Impression:** Mild cardiomegaly.", "no"),
    ("markdown", PTX, "- **Pneumothorax:** None\n- **Effusion:** Small, left", "no"),
    ("markdown", EFF, "- **Pneumothorax:** None\n- **Effusion:** Small, left", "yes"),
    ("markdown", PTX, "| Finding | Present |\n|---|---|\n| Pneumothorax | No |\n| Pleural effusion | Yes |", "no"),
    ("markdown", EFF, "| Finding | Present |\n|---|---|\n| Pneumothorax | No |\n| Pleural effusion | Yes |", "yes"),
    ("markdown", CONS, "**Answer:** No\n\n**Explanation:** The lung fields are clear with no focal consolidation.", "no"),
    ("markdown", EDEMA, "## Assessment\n\nThe findings are **consistent with pulmonary edema**.", "yes"),
    ("markdown", PTX, "**Impression:** *No pneumothorax.* Small right pleural effusion.", "no"),
    ("markdown", ATEL, "1. **Atelectasis**: mild, left base\n2. **Effusion**: none", "yes"),
    ("markdown", EFF, "1. **Atelectasis**: mild, left base\n2. **Effusion**: none", "no"),
    ("markdown", CM, "Based on the provided chest X-ray, **yes**, there is cardiomegaly.", "yes"),
    ("markdown", PNA, "**Possible** right lower lobe pneumonia; correlate clinically.", "uncertain"),
    ("markdown", LEFF, "**No** — the effusion is on the **right**.", "no"),
    ("markdown", EFF, "`Yes`", "yes"),
    ("markdown", PTX, "> **Answer:** no", "no"),

    # --- verbose explanations ---------------------------------------------------------------------
    ("verbose", PTX, ("The chest X-ray shows a frontal view of the chest. The heart size is within normal limits. "
                     "The lungs are clear bilaterally with no focal consolidation. There is no pleural effusion or "
                     "pneumothorax. The osseous structures are intact. In summary, there is no pneumothorax."), "no"),
    ("verbose", CM, ("The chest X-ray shows a frontal view of the chest. The heart size is within normal limits. "
                    "The lungs are clear bilaterally with no focal consolidation. There is no pleural effusion or "
                    "pneumothorax. The osseous structures are intact. In summary, there is no pneumothorax."), "no"),
    ("verbose", CONS, ("The chest X-ray shows a frontal view of the chest. The heart size is within normal limits. "
                      "The lungs are clear bilaterally with no focal consolidation. There is no pleural effusion or "
                      "pneumothorax. The osseous structures are intact. In summary, there is no pneumothorax."), "no"),
    ("verbose", REFF, ("This is a PA chest radiograph. There is a large right pleural effusion causing near-complete "
                      "opacification of the right hemithorax with leftward mediastinal shift. The left lung is clear. "
                      "No pneumothorax is seen."), "yes"),
    ("verbose", LEFF, ("This is a PA chest radiograph. There is a large right pleural effusion causing near-complete "
                      "opacification of the right hemithorax with leftward mediastinal shift. The left lung is clear. "
                      "No pneumothorax is seen."), "no"),
    ("verbose", PTX, ("This is a PA chest radiograph. There is a large right pleural effusion causing near-complete "
                     "opacification of the right hemithorax with leftward mediastinal shift. The left lung is clear. "
                     "No pneumothorax is seen."), "no"),
    ("verbose", EDEMA, ("The image is a portable AP chest radiograph. The cardiac silhouette is enlarged. There is "
                       "bilateral perihilar haziness with Kerley B lines and small bilateral pleural effusions. These "
                       "findings are consistent with congestive heart failure with pulmonary edema."), "yes"),
    ("verbose", CM, ("The image is a portable AP chest radiograph. The cardiac silhouette is enlarged. There is "
                    "bilateral perihilar haziness with Kerley B lines and small bilateral pleural effusions. These "
                    "findings are consistent with congestive heart failure with pulmonary edema."), "yes"),
    ("verbose", PTX, ("The image is a portable AP chest radiograph. The cardiac silhouette is enlarged. There is "
                     "bilateral perihilar haziness with Kerley B lines and small bilateral pleural effusions. These "
                     "findings are consistent with congestive heart failure with pulmonary edema."), "none"),
    ("verbose", PNA, ("Pneumonia typically appears as an area of increased opacity. In this image, the lung fields are "
                     "well aerated and there is no focal airspace opacity to suggest pneumonia."), "no"),
    ("verbose", PTX, ("A pneumothorax would appear as a thin visceral pleural line with no lung markings beyond it. "
                     "In this radiograph, such a line is visible at the left apex, and the lung markings are absent "
                     "peripheral to it. This indicates a left apical pneumothorax."), "yes"),
    ("verbose", EFF, ("Pleural effusions usually blunt the costophrenic angles. Here both angles are sharp and the "
                     "hemidiaphragms are well defined, so there is no pleural effusion."), "no"),
    ("verbose", CM, ("To assess for cardiomegaly, the cardiothoracic ratio is measured. In this image, the ratio is "
                    "approximately 0.45, which is within normal limits. Therefore, there is no cardiomegaly."), "no"),
    ("verbose", NOD, ("The lungs are well expanded. In the right upper lobe there is a well-circumscribed 8 mm nodule. "
                     "No other focal lesion is seen. The heart and mediastinum are normal."), "yes"),
    ("verbose", FX, ("The bony thorax was carefully reviewed. There is a nondisplaced fracture of the left seventh "
                    "rib laterally. No pneumothorax accompanies it."), "yes"),
    ("verbose", PTX, ("The bony thorax was carefully reviewed. There is a nondisplaced fracture of the left seventh "
                     "rib laterally. No pneumothorax accompanies it."), "no"),
    ("verbose", ATEL, ("There is volume loss in the left lower lobe with a triangular retrocardiac opacity and "
                      "leftward shift of the mediastinum, consistent with left lower lobe collapse."), "yes"),
    ("verbose", EFF, ("Although the patient is rotated, which can make the costophrenic angles hard to evaluate, "
                     "a moderate left pleural effusion is clearly present with a meniscus."), "yes"),
    ("verbose", CONS, ("While there is some crowding of the bronchovascular markings at the bases due to low lung "
                      "volumes, there is no focal consolidation."), "no"),

    # --- reasoning, then the answer (no tags) -----------------------------------------------------
    ("reasoning", PTX, ("To determine whether there is a pneumothorax, I look for a visceral pleural line and absent "
                       "lung markings. I don't see a pleural line. Therefore, no."), "no"),
    ("reasoning", EFF, ("Step 1: Look at the costophrenic angles. The left angle is blunted with a meniscus. Step 2: "
                       "This is consistent with a pleural effusion. Answer: Yes"), "yes"),
    ("reasoning", HEART, ("Let's think. The heart width is more than half the thoracic width, so the cardiothoracic "
                         "ratio is increased. So the heart is enlarged: yes."), "yes"),
    ("reasoning", EFF, ("At first I considered a possible effusion, but the costophrenic angles are sharp. "
                       "Final answer: no."), "no"),
    ("reasoning", CONS, ("The right lower lobe shows increased opacity with air bronchograms. This pattern is typical "
                        "of consolidation. So the answer is yes."), "yes"),
    ("reasoning", EDEMA, ("Let me reason step by step. 1) Heart size: normal. 2) Vascular markings: not increased. "
                         "3) No Kerley lines. Conclusion: no pulmonary edema."), "no"),
    ("reasoning", PTX, ("The patient has a right chest tube. A residual pneumothorax could be present, so I examine "
                       "the apex: a pleural line is visible with no markings beyond it. Therefore, yes, there is a "
                       "small residual pneumothorax."), "yes"),
    ("reasoning", ATEL, ("Reasoning: the left hemidiaphragm is elevated and there is a plate-like opacity at the "
                        "left base. These are signs of atelectasis.\nAnswer: yes"), "yes"),
    ("reasoning", NOD, ("I scanned both lungs for nodules. Nothing focal is seen apart from overlapping vessels. "
                       "Final answer: No"), "no"),
    ("reasoning", PNA, ("There is an opacity in the right lower zone. It could be pneumonia or atelectasis; without "
                       "clinical context it is hard to tell. Answer: uncertain."), "uncertain"),
    ("reasoning", EFF, ("Thinking about this: the lateral costophrenic angles are both sharp. So I would say there "
                       "is no effusion. Answer: No."), "no"),
    ("reasoning", LPTX, ("The right apex shows a pleural line. The left lung markings reach the chest wall. "
                        "So the answer is no."), "no"),
    ("reasoning", FX, "Reviewing each rib in turn, ribs 1 through 10 appear intact bilaterally. Answer: no", "no"),
    ("reasoning", CM, ("First, the cardiothoracic ratio: about 0.62. Second, the heart borders are bulging. "
                      "Answer: Yes."), "yes"),

    # --- MedVLM-R1: <think>...</think><answer>...</answer> ----------------------------------------
    ("r1", EFF, ("<think>The left costophrenic angle is blunted with a meniscus sign, indicating fluid.</think>\n"
                "<answer>Yes</answer>"), "yes"),
    ("r1", PTX, ("<think>I see no visceral pleural line and the lung markings extend to the periphery.</think>"
                "<answer>no</answer>"), "no"),
    ("r1", EFF, ("<think>There may be an effusion on the left, but on closer inspection the angle is sharp."
                "</think>\n<answer>No</answer>"), "no"),
    ("r1", CM, "<think>The heart is large, ratio above 0.5.</think> <answer>yes, there is cardiomegaly</answer>", "yes"),
    ("r1", CONS, "<think>The lungs are clear, no consolidation.</think>", "none"),
    ("r1", PTX, "<think>Looking at the right lung apex, I can see", "none"),
    ("r1", EFF, "<think>The image shows a large effusion on the left. Therefore the answer", "none"),
    ("r1", EFF, "<think>Blunted left angle with a meniscus.</think><answer>Yes", "yes"),
    ("r1", PTX, "<answer>No</answer>", "no"),
    ("r1", PTX, "The apex shows a thin pleural line with no markings beyond it.</think>\nYes, there is a pneumothorax.",
     "yes"),
    ("r1", EFF, "<think>\n\n</think>\n\nNo.", "no"),
    ("r1", EDEMA, ("<think>Perihilar haziness and Kerley B lines suggest interstitial edema; the heart is enlarged."
                  "</think>\n<answer>Yes</answer>"), "yes"),
    ("r1", ATEL, ("<think>The left base shows a linear opacity. It might be atelectasis or scarring.</think>"
                 "<answer>Uncertain</answer>"), "uncertain"),
    ("r1", LEFF, "<think>The right costophrenic angle is blunted; the left one is sharp.</think><answer>No</answer>",
     "no"),
    ("r1", NOD, ("<think>Scanning the upper lobes, there is a round density in the right upper lobe, about 1 cm."
                "</think><answer>Yes, a right upper lobe nodule.</answer>"), "yes"),
    ("r1", CM, "<think>Measuring the cardiothoracic ratio. The widest cardiac diameter is", "none"),
    ("r1", PNA, "<think>Right lower lobe consolidation with air bronchograms.</think>\n<answer>yes</answer>", "yes"),
    ("r1", EFF, "<think>Both costophrenic angles are sharp.</think>\n<answer>no</answer>", "no"),
    ("r1", PTX, ("<think>\nFirst, examine the apices. The left apex shows a visceral pleural line.\n</think>\n"
                "<answer>\nYes\n</answer>"), "yes"),
    ("r1", FX, ("<think>The ribs look intact but the left 6th rib may have a subtle cortical break.</think>"
               "<answer>Yes</answer>"), "yes"),
    ("r1", HEART, "<think>The heart is normal in size.</think><answer></answer>", "none"),
    ("r1", CONS, ("<think>No focal airspace opacity is seen in either lung. The costophrenic angles are clear."
                 "</think>\n<answer>No, there is no consolidation.</answer>"), "no"),

    # --- MedGemma thinking channel: <unused94>thought ... <unused95> -----------------------------
    ("gemma", EFF, ("<unused94>thought\nThe user asks about pleural effusion. I see blunting of the left "
                   "costophrenic angle.<unused95>Yes, there is a small left pleural effusion."), "yes"),
    ("gemma", HEART, ("<unused94>thought\nLet me look at the heart size. The cardiothoracic ratio appears to be about "
                     "0.6.<unused95>**Yes**, the heart is enlarged."), "yes"),
    ("gemma", PTX, ("<unused94>thought\nI need to check for a pneumothorax. The lung markings extend to the periphery "
                   "on the"), "none"),
    ("gemma", PTX, ("<unused94>thought\nThere is possibly a skin fold at the right apex, not a pleural line.<unused95>"
                   "No, there is no pneumothorax."), "no"),
    ("gemma", EDEMA, "<unused94>thought\nAnalyzing the image for signs of pulmonary edema.<unused95>", "none"),
    ("gemma", CONS, ("<unused94>thought\nThe user wants to know about consolidation. The right lower zone is "
                    "dense.<unused95>Based on the image, there is consolidation in the right lower lobe."), "yes"),
    ("gemma", LEFF, ("<unused94>thought\nLeft or right? The blunting is on the right.<unused95>No. The effusion is on "
                    "the right side, not the left."), "no"),
    ("gemma", ATEL, ("<unused94>thought\nPlate-like opacity at the left base.<unused95>**Answer:** Yes\n\n"
                    "**Reasoning:** Linear opacity at the left base consistent with subsegmental atelectasis."), "yes"),
    ("gemma", PNA, ("<unused94>thought\nOpacity in the left lower lobe; pneumonia vs atelectasis.<unused95>"
                   "It is possible that there is pneumonia in the left lower lobe, but atelectasis is also possible."),
     "uncertain"),
    ("gemma", CM, ("<unused94>thought\nThe cardiac silhouette looks normal.<unused95>No, the heart size is within "
                  "normal limits."), "no"),
    ("gemma", NOD, "<unused94>thought\nLooking for nodules in both lungs. The right upper zone has", "none"),
    ("gemma", EFF, ("<unused94>thought\nThe user asks whether there is a pleural effusion.\n\nStep 1: "
                   "costophrenic angles.<unused95>\n\n## Answer\n\n**No**, there is no pleural effusion."), "no"),
    ("gemma", PTX, "<unused94>thought\nNo pleural line.<unused95>No pneumothorax is seen.", "no"),
    ("gemma", FX, ("<unused94>thought\nThere is a callus on the left 5th rib.<unused95>Yes. There is an old healed "
                  "fracture of the left fifth rib."), "yes"),
    ("gemma", ACUTE_FX, ("<unused94>thought\nThere is a callus on the left 5th rib.<unused95>No. There is an old "
                        "healed fracture of the left fifth rib, but no acute fracture."), "no"),

    # --- plain reasoning cut off by the token budget ----------------------------------------------
    ("cutoff", PTX, "Let me analyze the image step by step. First, the trachea is midline. Next, I will look at the",
     "none"),
    ("cutoff", EFF, "To answer this, I need to evaluate the costophrenic angles and", "none"),
    ("cutoff", CM, "The cardiothoracic ratio is measured by dividing the maximal horizontal cardiac diameter by",
     "none"),
    ("cutoff", CONS, "Okay, let's carefully examine the lung fields. In the right lower zone there is an area of",
     "none"),
    ("cutoff", EDEMA, "Signs of pulmonary edema on a chest X-ray include cephalization, Kerley B lines,", "none"),
    ("cutoff", PNA, "Step 1: Identify any areas of increased opacity.\nStep 2:", "none"),
    ("cutoff", NOD, "I will systematically review the lungs, looking first at the right upper", "none"),
    ("cutoff", ATEL, "**Reasoning:**\n1. The left hemidiaphragm", "none"),

    # --- refusals, empty, off-topic ---------------------------------------------------------------
    ("refusal", EFF, "I'm sorry, I can't help with interpreting medical images.", "none"),
    ("refusal", PTX, "I am an AI and cannot provide medical diagnoses. Please consult a radiologist.", "none"),
    ("refusal", CM, "", "none"),
    ("refusal", EDEMA, "   ", "none"),
    ("refusal", CONS, "<answer></answer>", "none"),
    ("refusal", EFF, "This is a PA view of the chest.", "none"),
    ("refusal", PTX, "The patient is positioned upright.", "none"),
    ("refusal", EFF, "Mild cardiomegaly.", "none"),
    ("refusal", PNA, "Right chest tube in place.", "none"),
    ("refusal", NOD, "I cannot determine this from the provided image.", "none"),
    ("refusal", CM, "Unable to assess due to image quality.", "none"),
    ("refusal", EFF, "The image appears to be a chest X-ray of an adult.", "none"),
    ("refusal", ATEL, "Please provide more clinical information.", "none"),
    ("refusal", PTX, "...", "none"),

    # --- Findings / Impression reports (CheXagent-style generation) ------------------------------
    ("sections", EFF, ("FINDINGS: The cardiomediastinal silhouette is normal. There is a small right pleural effusion "
                      "with adjacent atelectasis. No pneumothorax.\nIMPRESSION: Small right pleural effusion."), "yes"),
    ("sections", LEFF, ("FINDINGS: The cardiomediastinal silhouette is normal. There is a small right pleural effusion "
                       "with adjacent atelectasis. No pneumothorax.\nIMPRESSION: Small right pleural effusion."), "no"),
    ("sections", CM, ("FINDINGS: The cardiomediastinal silhouette is normal. There is a small right pleural effusion "
                     "with adjacent atelectasis. No pneumothorax.\nIMPRESSION: Small right pleural effusion."), "no"),
    ("sections", PTX, ("FINDINGS: The cardiomediastinal silhouette is normal. There is a small right pleural effusion "
                      "with adjacent atelectasis. No pneumothorax.\nIMPRESSION: Small right pleural effusion."), "no"),
    ("sections", ATEL, ("FINDINGS: The cardiomediastinal silhouette is normal. There is a small right pleural effusion "
                       "with adjacent atelectasis. No pneumothorax.\nIMPRESSION: Small right pleural effusion."), "yes"),
    ("sections", PNA, ("Findings: Lungs are clear. No effusion or pneumothorax. Heart size normal.\n"
                      "Impression: No acute cardiopulmonary abnormality."), "no"),
    ("sections", EFF, ("Findings: Lungs are clear. No effusion or pneumothorax. Heart size normal.\n"
                      "Impression: No acute cardiopulmonary abnormality."), "no"),
    ("sections", CM, ("Findings: Lungs are clear. No effusion or pneumothorax. Heart size normal.\n"
                     "Impression: No acute cardiopulmonary abnormality."), "no"),
    ("sections", EFF, ("IMPRESSION:\n1. Moderate left pleural effusion, increased from prior.\n2. Left lower lobe "
                      "atelectasis versus pneumonia.\n3. No pneumothorax."), "yes"),
    ("sections", PNA, ("IMPRESSION:\n1. Moderate left pleural effusion, increased from prior.\n2. Left lower lobe "
                      "atelectasis versus pneumonia.\n3. No pneumothorax."), "uncertain"),
    ("sections", PTX, ("IMPRESSION:\n1. Moderate left pleural effusion, increased from prior.\n2. Left lower lobe "
                      "atelectasis versus pneumonia.\n3. No pneumothorax."), "no"),
    ("sections", EDEMA, ("FINDINGS: Right IJ catheter tip in the SVC. No pneumothorax. Stable cardiomegaly. Mild "
                        "pulmonary edema has improved.\nIMPRESSION: Improving mild pulmonary edema. No pneumothorax."),
     "yes"),
    ("sections", CM, ("FINDINGS: Right IJ catheter tip in the SVC. No pneumothorax. Stable cardiomegaly. Mild "
                     "pulmonary edema has improved.\nIMPRESSION: Improving mild pulmonary edema. No pneumothorax."),
     "yes"),
    ("sections", PTX, ("FINDINGS: Right IJ catheter tip in the SVC. No pneumothorax. Stable cardiomegaly. Mild "
                      "pulmonary edema has improved.\nIMPRESSION: Improving mild pulmonary edema. No pneumothorax."),
     "no"),
    ("sections", RPTX, ("Findings:\nThere is a large right pneumothorax with near-complete collapse of the right lung. "
                       "The mediastinum is shifted to the left.\n\nImpression:\nLarge right tension pneumothorax."), "yes"),
    ("sections", LPTX, ("Findings:\nThere is a large right pneumothorax with near-complete collapse of the right lung. "
                       "The mediastinum is shifted to the left.\n\nImpression:\nLarge right tension pneumothorax."), "no"),
    ("sections", CONS, ("FINDINGS:\nLeft lower lobe consolidation. Small left effusion. Heart size is normal.\n"
                       "IMPRESSION:\nLeft lower lobe pneumonia with small parapneumonic effusion."), "yes"),
    ("sections", PNA, ("FINDINGS:\nLeft lower lobe consolidation. Small left effusion. Heart size is normal.\n"
                      "IMPRESSION:\nLeft lower lobe pneumonia with small parapneumonic effusion."), "yes"),
    ("sections", REFF, ("FINDINGS:\nLeft lower lobe consolidation. Small left effusion. Heart size is normal.\n"
                       "IMPRESSION:\nLeft lower lobe pneumonia with small parapneumonic effusion."), "no"),
    ("sections", HEART, ("FINDINGS:\nLeft lower lobe consolidation. Small left effusion. Heart size is normal.\n"
                        "IMPRESSION:\nLeft lower lobe pneumonia with small parapneumonic effusion."), "no"),
    ("sections", EFF, ("EXAMINATION: Chest, single AP view.\nFINDINGS: Interval resolution of the right pleural effusion. "
                      "Persistent mild cardiomegaly.\nIMPRESSION: Resolved right effusion."), "no"),
    ("sections", CM, ("EXAMINATION: Chest, single AP view.\nFINDINGS: Interval resolution of the right pleural effusion. "
                     "Persistent mild cardiomegaly.\nIMPRESSION: Resolved right effusion."), "yes"),
    ("sections", NOD, ("FINDINGS: 6 mm nodule in the left upper lobe, unchanged. Lungs otherwise clear.\n"
                      "IMPRESSION: Stable left upper lobe nodule."), "yes"),
    ("sections", "Is there a nodule in the right upper lobe?", ("FINDINGS: 6 mm nodule in the left upper lobe, unchanged. "
                                                              "Lungs otherwise clear.\nIMPRESSION: Stable left upper "
                                                              "lobe nodule."), "no"),
    ("sections", EDEMA, ("FINDINGS: Moderate cardiomegaly. Cephalization of pulmonary vessels and interstitial edema. "
                        "Small bilateral effusions.\nIMPRESSION: Congestive heart failure."), "yes"),
    ("sections", PTX, ("FINDINGS: Moderate cardiomegaly. Cephalization of pulmonary vessels and interstitial edema. "
                      "Small bilateral effusions.\nIMPRESSION: Congestive heart failure."), "none"),

    # --- answers that contradict themselves --------------------------------------------------------
    ("contradiction", LEFF, "Yes, there is a pleural effusion on the right.", "uncertain"),
    ("contradiction", PTX, "Yes, there is no pneumothorax.", "uncertain"),
    ("contradiction", EFF, "Yes. No.", "uncertain"),
    ("contradiction", CM, "The heart is enlarged. The heart size is normal.", "uncertain"),
    ("contradiction", LEFF, "No, there is a right-sided effusion.", "no"),
]
# fmt: on


def corpus() -> list[tuple[str, str, str, str]]:
    """(style, question, output, expected) for every entry."""
    return list(ENTRIES)
