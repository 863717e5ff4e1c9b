"""Held-out evaluation set for ``vlmcore.answers.read.read_answer``.

**No longer held out.** Committed unmodified (only the ``Run:`` line) in 6ae4117. Its first and
only blind run, on main 42b8e64, agreed on 219 of 256 (85.5%; 212/246 without policy-tagged
cases) with 6 yes<->no flips. The reader's failure classes were then fixed while this set's
disagreements were visible (branch language2), so its later scores are optimistic; the next
review's unseen set is the honest measure. ``tests/answers/test_blind_holdout.py`` prints the
agreement and asserts >= 95% with no yes<->no flip.

Written by an evaluator who did not read the parser's implementation, its rules or its own
corpus.  Every label was written down before the parser was run on any of these outputs.
Phrasing is drawn from memory of real chest radiograph reports (MIMIC-CXR / Open-i / PadChest
style) and from the answer habits of 2024-2026 medical VLMs (LLaVA-Rad report generation,
MedGemma markdown and thinking channel, Qwen2.5-VL / Lingshu / HuatuoGPT-Vision chatty answers,
MedVLM-R1 ``<think>/<answer>`` tags).

Labelling policy (what a radiologist would take as the model's answer to the question asked):

* yes / no answer the question as asked: the finding, side, lobe, size, count and time the
  question names.  A finding reported only on the other side / other lobe, or with the other
  size / count, is an answer of "no" to the question asked.
* Questions whose polarity is inverted ("Is the study normal?", "Are the lungs clear?",
  "Has the effusion resolved?") are answered in the question's polarity: "No acute
  cardiopulmonary process." answers "Is this chest X-ray normal?" with yes.
* Time words: resolved / cleared / no longer seen / removed = absent now; persistent / stable /
  unchanged / residual / improved-but-present / decreased = present.  "No change in X" and
  "no increase in X" negate the change, not X: X is present.
* A bare finding phrase in report style ("Mild cardiomegaly.") = present.  Normal templates
  ("No acute cardiopulmonary process.", "Normal chest radiograph.") = no for acute findings.
* Hedges on the finding asked ("cannot be excluded", "possible", "may represent", "versus",
  "questionable", "suspicious for", "could reflect", "not excluded", "I'm not sure",
  "cannot determine from this image", "Maybe", "Yes, possibly") = uncertain.  A hedge on a
  different finding does not touch the answer to the finding asked.
* "appears" / "is seen" / "consistent with" are not hedges.
* Conversational openers ("Yes, I can help with that.", "Sure!", "Certainly.") are not answers.
* A leading "Yes."/"No." followed, without any correction marker, by a sentence that directly
  contradicts it about the same finding is self-contradictory: a radiologist cannot take either
  reading, so the label is uncertain (tag ``contradiction``).  With an explicit correction
  marker ("Actually, on closer review, ...") the corrected statement is the answer.
* Reasoning is not the answer: the text after ``</think>`` / ``<unused95>`` (or inside
  ``<answer>``) is.  Reasoning cut off before its closing tag, an ``<answer>`` tag with nothing
  in it, or a closed ``<think>`` with no answer after it = none.
* Refusals ("I can't provide a medical diagnosis"), empty output, echoes of the prompt and
  off-topic descriptions = none.  "I'm not a doctor, but <finding>" answers.
* Tags marked ``policy`` are the cases where another reasonable policy exists; they are listed
  separately in the report so the lead can discount them.

Run:  OMP_NUM_THREADS=1 .venv/bin/python -m tests.answers.blind_holdout   (tests: tests/answers/test_blind_holdout.py)
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerCase:
    question: str
    output: str
    expected: str  # yes | no | uncertain | none
    tag: str


Q_EFF = "Is there a pleural effusion?"
Q_LEFF = "Is there a left pleural effusion?"
Q_REFF = "Is there a right pleural effusion?"
Q_PTX = "Is there a pneumothorax?"
Q_CM = "Is there cardiomegaly?"
Q_CONS = "Is there consolidation?"
Q_EDEMA = "Is there pulmonary edema?"
Q_PNA = "Is there evidence of pneumonia?"
Q_ATEL = "Is there atelectasis?"

NORMAL_REPORT = (
    "FINDINGS: PA and lateral views of the chest. The lungs are clear. There is no pleural "
    "effusion or pneumothorax. The cardiomediastinal silhouette is within normal limits.\n"
    "IMPRESSION: No acute cardiopulmonary process."
)
LEFT_EFF_REPORT = (
    "FINDINGS: There is a moderate left pleural effusion with adjacent compressive atelectasis. "
    "No pneumothorax. Heart size is mildly enlarged.\n"
    "IMPRESSION: Moderate left pleural effusion."
)
CHF_IMPRESSION = (
    "IMPRESSION:\n1. Moderate pulmonary edema, increased from prior.\n"
    "2. Small bilateral pleural effusions.\n3. Stable cardiomegaly."
)
CHEST_TUBE_REPORT = (
    "FINDINGS: Right-sided chest tube in place. No residual pneumothorax is seen. Subcutaneous "
    "emphysema along the right chest wall is decreased.\n"
    "IMPRESSION: No pneumothorax following chest tube placement."
)
RESOLVED_REPORT = (
    "COMPARISON: Chest radiograph from 03/12.\n"
    "FINDINGS: Interval resolution of the previously seen left pleural effusion. Lungs are "
    "otherwise clear.\nIMPRESSION: Resolved left pleural effusion."
)
ETT_REPORT = (
    "Endotracheal tube terminates approximately 4 cm above the carina. Enteric tube courses "
    "below the diaphragm."
)
PACER = (
    "Left chest wall dual-lead pacemaker with leads in the right atrium and right ventricle. "
    "No pneumothorax."
)
STERNOTOMY = "Median sternotomy wires and mediastinal clips are intact. Heart size is normal."
MD_NORMAL = (
    "## Findings\n- **Heart:** Normal size\n- **Lungs:** Clear\n"
    "- **Pleura:** No effusion or pneumothorax\n\n## Impression\nNormal chest radiograph."
)
MD_ABNORMAL = (
    "## Findings\n- **Heart:** Enlarged\n- **Lungs:** Mild vascular congestion\n"
    "- **Pleura:** Small right effusion"
)
MD_TABLE = (
    "| Finding | Present |\n|---|---|\n| Pleural effusion | No |\n| Pneumothorax | No |\n"
    "| Cardiomegaly | Yes |"
)
MD_ASSESS = (
    "### Assessment\n\n**Pneumothorax:** Not identified.\n\n"
    "**Other findings:** Mild bibasilar atelectasis."
)
LOBE_LUL = "Consolidation in the left upper lobe; the left lower lobe is clear."
LOBE_RLL = "Opacity in the right lower lobe. The right upper lobe is clear."
PTX_SIDES = (
    "No evidence of pneumothorax on the right; a small left apical pneumothorax is present."
)
RIGHT_EFF_SHARP_LEFT = (
    "There is a small right pleural effusion. The left costophrenic angle is sharp."
)
SIDE_LIST = "Left: no effusion. Right: small effusion."
NEG_BUT = "No pneumothorax, but there is a small left pleural effusion."
NO_FOCAL = "There is no focal consolidation. Small bilateral pleural effusions are present."
NEG_LIST_BUT = (
    "No effusion, consolidation, or pneumothorax is seen, but there is mild cardiomegaly."
)
CLEAR_BUT_EFF = (
    "The lungs are clear without consolidation or edema. A small left pleural effusion is noted."
)
AORTA = "The heart is not enlarged, but the aorta is tortuous."
WITHOUT_CONS = "Without consolidation, there is mild bibasilar atelectasis."
LONG_NEG = (
    "There is no pneumothorax, no consolidation, and no pulmonary edema; however, there is a "
    "moderate right pleural effusion."
)
BIBASILAR = "Bibasilar atelectasis and small bilateral effusions, no pneumothorax."
CHF_SENT = (
    "Enlarged cardiac silhouette with pulmonary vascular congestion and bilateral pleural "
    "effusions, consistent with congestive heart failure."
)
COPD = "Hyperinflated lungs consistent with COPD without focal consolidation to suggest pneumonia."
HERNIA = (
    "Large hiatal hernia. Degenerative changes of the thoracic spine. No acute osseous "
    "abnormality."
)
ATEL_VS = "Left basilar opacity, atelectasis versus consolidation."
RLL_MAY = "Right lower lobe consolidation, which may represent pneumonia."
PTX_HEDGE_EFF = "No pneumothorax.  Cannot exclude a small left pleural effusion."
R_PTX_UNCHANGED = "Small right pneumothorax, unchanged. No left pneumothorax."
ORGAN_LIST = "Lungs: No focal consolidation.\nPleura: Small right effusion.\nHeart: Normal."
NUM_LIST = "1. Small right pleural effusion.\n2. No pneumothorax.\n3. Left lung clear."


def _cases() -> list[AnswerCase]:
    c = AnswerCase
    return [
        # --- terse ---------------------------------------------------------------------------
        c(Q_EFF, "Yes", "yes", "terse"),
        c(Q_EFF, "No.", "no", "terse"),
        c(Q_PTX, "no", "no", "terse"),
        c(Q_CM, "YES.", "yes", "terse"),
        c(Q_PTX, "Negative.", "no", "terse"),
        c(Q_EFF, "Positive.", "yes", "terse"),
        c(Q_PTX, "Not seen.", "no", "terse"),
        c(Q_EFF, "Absent.", "no", "terse"),
        c(Q_CM, "Present.", "yes", "terse"),
        c(Q_PTX, "None.", "no", "terse"),
        c(Q_EFF, "yes, small", "yes", "terse"),
        c(Q_EFF, "No effusion.", "no", "terse"),
        c(Q_CONS, " Yes ", "yes", "terse"),
        c(Q_PTX, "No pneumothorax.", "no", "terse"),
        c(Q_EFF, "Yes - left.", "yes", "terse"),
        c(Q_CM, "Mild cardiomegaly.", "yes", "bare-finding"),
        c(Q_EFF, "Small bilateral pleural effusions.", "yes", "bare-finding"),
        c(Q_LEFF, "Small bilateral pleural effusions.", "yes", "bare-finding"),
        c(Q_PTX, "Tiny right apical pneumothorax.", "yes", "bare-finding"),
        c(Q_EDEMA, "Mild pulmonary vascular congestion without frank edema.", "no", "negation"),
        c(Q_CM, "Heart size is normal.", "no", "terse"),
        c("Is the heart size normal?", "Heart size is normal.", "yes", "polarity"),
        c("Is the heart size normal?", "Moderate cardiomegaly.", "no", "polarity"),
        # --- report style --------------------------------------------------------------------
        c(Q_EFF, NORMAL_REPORT, "no", "report"),
        c(Q_PTX, NORMAL_REPORT, "no", "report"),
        c(Q_CM, NORMAL_REPORT, "no", "report"),
        c(Q_CONS, NORMAL_REPORT, "no", "report"),
        c(Q_LEFF, LEFT_EFF_REPORT, "yes", "report"),
        c(Q_PTX, LEFT_EFF_REPORT, "no", "report"),
        c(Q_CM, LEFT_EFF_REPORT, "yes", "report"),
        c(Q_REFF, LEFT_EFF_REPORT, "no", "report-laterality-policy"),
        c(Q_ATEL, LEFT_EFF_REPORT, "yes", "report"),
        c(Q_EDEMA, CHF_IMPRESSION, "yes", "report-list"),
        c(Q_CM, CHF_IMPRESSION, "yes", "report-list-time"),
        c(Q_EFF, CHF_IMPRESSION, "yes", "report-list"),
        c(Q_PTX, CHEST_TUBE_REPORT, "no", "report-device"),
        c("Is there a chest tube?", CHEST_TUBE_REPORT, "yes", "report-device"),
        c("Is there subcutaneous emphysema?", CHEST_TUBE_REPORT, "yes", "report-time"),
        c(Q_EFF, RESOLVED_REPORT, "no", "report-time"),
        c(Q_LEFF, RESOLVED_REPORT, "no", "report-time"),
        c(Q_PTX, "Compared with the prior radiograph, the small right apical pneumothorax is no "
          "longer visualized.", "no", "time"),
        c(Q_PTX, "Compared with the prior radiograph, the small right apical pneumothorax is "
          "unchanged in size.", "yes", "time"),
        c("Is there a right pneumothorax?", "Persistent small right apical pneumothorax, slightly "
          "decreased in size.", "yes", "time"),
        c(Q_CONS, "Persistent right lower lobe consolidation despite antibiotic therapy.", "yes",
          "time"),
        c(Q_CONS, "Right lower lobe consolidation has cleared.", "no", "time"),
        c(Q_EDEMA, "Interval improvement in pulmonary edema, now mild.", "yes", "time"),
        c(Q_EDEMA, "Pulmonary edema has resolved.", "no", "time"),
        c(Q_CM, "No significant interval change in moderate cardiomegaly.", "yes",
          "time-negation-scope"),
        c(Q_EFF, "No increase in the size of the small left pleural effusion.", "yes",
          "time-negation-scope"),
        c(Q_PTX, "No significant change in the size of the left pneumothorax.", "yes",
          "time-negation-scope"),
        # --- devices -------------------------------------------------------------------------
        c("Is there an endotracheal tube?", "Interval removal of the endotracheal tube and "
          "nasogastric tube. Lungs are clear.", "no", "device-time"),
        c("Is there a nasogastric tube?", "Interval removal of the endotracheal tube and "
          "nasogastric tube. Lungs are clear.", "no", "device-time"),
        c("Is there an endotracheal tube?", ETT_REPORT, "yes", "device"),
        c("Is the endotracheal tube in appropriate position?", ETT_REPORT, "yes", "device"),
        c("Is the endotracheal tube in appropriate position?", "The endotracheal tube tip is in "
          "the right mainstem bronchus; recommend withdrawal by 3 cm.", "no", "device"),
        c("Is there a central venous catheter?", "Right internal jugular central venous "
          "catheter with tip at the cavoatrial junction.", "yes", "device"),
        c("Is there a pacemaker?", PACER, "yes", "device"),
        c(Q_PTX, PACER, "no", "device"),
        c("Is the nasogastric tube in the stomach?", "Nasogastric tube tip is in the distal "
          "esophagus and should be advanced.", "no", "device-location"),
        c("Is the nasogastric tube in the stomach?", "The enteric tube courses below the "
          "diaphragm with the tip in the stomach.", "yes", "device-location"),
        c("Is there a PICC line?", "Left upper extremity PICC with tip in the mid SVC.", "yes",
          "device"),
        c("Is there a right-sided PICC line?", "Left upper extremity PICC with tip in the mid "
          "SVC.", "no", "device-laterality"),
        c("Are there sternotomy wires?", STERNOTOMY, "yes", "device"),
        c(Q_CM, STERNOTOMY, "no", "device"),
        # --- normal templates ----------------------------------------------------------------
        c(Q_PNA, "No acute cardiopulmonary process.", "no", "normal-template"),
        c(Q_EFF, "No acute cardiopulmonary abnormality.", "no", "normal-template"),
        c(Q_EDEMA, "No acute intrathoracic process.", "no", "normal-template"),
        c(Q_PTX, "Normal chest radiograph.", "no", "normal-template"),
        c(Q_CM, "Normal chest radiograph.", "no", "normal-template"),
        c("Is this chest X-ray normal?", "No acute cardiopulmonary process.", "yes", "polarity"),
        c("Is this chest X-ray normal?", "No. There is a right lower lobe consolidation "
          "concerning for pneumonia.", "no", "polarity"),
        c("Is this chest X-ray normal?", "The lungs are clear. Heart size is normal. No pleural "
          "effusion or pneumothorax.", "yes", "polarity"),
        c("Are the lungs clear?", "Left lower lobe consolidation. Otherwise clear.", "no",
          "polarity"),
        c("Are the lungs clear?", "Yes, the lungs are clear bilaterally.", "yes", "polarity"),
        c("Are the costophrenic angles sharp?", "There is blunting of the left costophrenic "
          "angle.", "no", "polarity"),
        c(Q_CONS, "The lungs are well expanded and clear.", "no", "normal-template"),
        c(Q_EFF, "Lungs are clear. No effusion.", "no", "normal-template"),
        c(Q_PTX, "Clear lungs. No pleural abnormality.", "no", "normal-template"),
        c(Q_EFF, "Unremarkable.", "no", "normal-template"),
        c(Q_CM, "The cardiomediastinal silhouette is stable and within normal limits.", "no",
          "time-trap"),
        c(Q_CM, "Heart size is at the upper limits of normal.", "no", "normal-template"),
        # --- hedges --------------------------------------------------------------------------
        c(Q_PTX, "A small apical pneumothorax cannot be excluded.", "uncertain", "hedge"),
        c(Q_PNA, "Patchy right basilar opacity may represent atelectasis or early pneumonia.",
          "uncertain", "hedge"),
        c(Q_CONS, ATEL_VS, "uncertain", "hedge"),
        c("Is there a left basilar opacity?", ATEL_VS, "yes", "hedge-other"),
        c(Q_EFF, "Possible small left pleural effusion.", "uncertain", "hedge"),
        c(Q_LEFF, "Possible small left pleural effusion.", "uncertain", "hedge"),
        c(Q_CM, "Borderline heart size, cannot exclude mild cardiomegaly.", "uncertain", "hedge"),
        c(Q_PNA, "Findings are suspicious for right middle lobe pneumonia.", "uncertain",
          "hedge"),
        c(Q_PTX, "I'm not sure. The apex is partially obscured by the patient's positioning.",
          "uncertain", "hedge"),
        c(Q_EFF, "It is difficult to determine from this image whether there is an effusion.",
          "uncertain", "hedge"),
        c(Q_EFF, "Maybe.", "uncertain", "hedge"),
        c(Q_EFF, "Yes, possibly.", "uncertain", "hedge"),
        c("Is there a pulmonary nodule?", "Questionable 8 mm nodule projecting over the right "
          "mid lung, possibly a nipple shadow; recommend repeat with nipple markers.",
          "uncertain", "hedge"),
        c(Q_EDEMA, "Mild interstitial prominence which could reflect early edema or atypical "
          "infection.", "uncertain", "hedge"),
        c(Q_EFF, "Blunting of the right costophrenic angle may represent a small effusion or "
          "pleural thickening.", "uncertain", "hedge"),
        c(Q_PTX, "Pneumothorax is not excluded on this supine film.", "uncertain", "hedge"),
        c(Q_PTX, PTX_HEDGE_EFF, "no", "hedge-other"),
        c(Q_EFF, PTX_HEDGE_EFF, "uncertain", "hedge"),
        c(Q_CONS, "Equivocal opacity at the right base.", "uncertain", "hedge"),
        c(Q_CONS, RLL_MAY, "yes", "hedge-other"),
        c(Q_PNA, RLL_MAY, "uncertain", "hedge"),
        c(Q_PTX, "I cannot determine whether there is a pneumothorax from this image.",
          "uncertain", "hedge-policy"),
        # --- preambles, answer-then-explanation, explanation-then-answer -----------------------
        c(Q_PTX, "Yes, I can help with that. Looking at the chest X-ray, there is no evidence of "
          "pneumothorax.", "no", "preamble"),
        c(Q_EFF, "Sure! No, there is no pleural effusion. The costophrenic angles are sharp.",
          "no", "preamble"),
        c(Q_EFF, "Certainly. The image shows a large left pleural effusion with mediastinal "
          "shift to the right.", "yes", "preamble"),
        c(Q_CM, "No. The cardiothoracic ratio is less than 0.5, so the heart is not enlarged.",
          "no", "answer-then-explanation"),
        c(Q_EFF, "Yes, there is a small left pleural effusion, as evidenced by blunting of the "
          "left costophrenic angle. No pneumothorax is seen.", "yes", "answer-then-explanation"),
        c(Q_PTX, "No. Although there is a small left pleural effusion, there is no visible "
          "pleural line to suggest pneumothorax.", "no", "answer-then-explanation"),
        c(Q_PTX, "There is no pleural effusion and no consolidation. However, a thin visceral "
          "pleural line is seen at the right apex with absent lung markings beyond it, "
          "consistent with a right apical pneumothorax. Answer: Yes.", "yes",
          "explanation-then-answer"),
        c(Q_CM, "Looking at the image, the cardiac silhouette spans more than half of the "
          "thoracic width. The cardiothoracic ratio appears to be approximately 0.6, which "
          "exceeds the normal threshold of 0.5. Therefore, yes, cardiomegaly is present.", "yes",
          "explanation-then-answer"),
        c(Q_EFF, "To answer this, I examined both costophrenic angles. Both are sharp and there "
          "is no meniscus. The answer is no.", "no", "explanation-then-answer"),
        c(Q_EDEMA, "The pulmonary vasculature is not congested and there are no Kerley B lines "
          "or perihilar haziness. Therefore, there is no pulmonary edema.", "no",
          "explanation-then-answer"),
        c(Q_PNA, "Based on the chest X-ray, there is a dense consolidation in the right upper "
          "lobe with air bronchograms, which is consistent with lobar pneumonia. So the answer "
          "is yes.", "yes", "explanation-then-answer"),
        c(Q_EFF, "Yes.\n\nExplanation: Blunting of the right costophrenic angle.", "yes",
          "answer-then-explanation"),
        # --- MedGemma markdown ---------------------------------------------------------------
        c(Q_EFF, "**Answer:** Yes\n\n**Explanation:** There is blunting of the left "
          "costophrenic angle with a meniscus sign, consistent with a small left pleural "
          "effusion.", "yes", "markdown"),
        c(Q_PTX, "**Answer: No**\n\n**Reasoning:**\n* The visceral pleural line is not "
          "visible.\n* Lung markings extend to the chest wall bilaterally.\n* No deep sulcus "
          "sign.", "no", "markdown"),
        c(Q_CM, "Based on the provided chest X-ray, **yes**, the cardiac silhouette is enlarged, "
          "suggesting cardiomegaly.", "yes", "markdown"),
        c(Q_EFF, MD_NORMAL, "no", "markdown"),
        c(Q_CM, MD_NORMAL, "no", "markdown"),
        c(Q_CM, MD_ABNORMAL, "yes", "markdown"),
        c(Q_EFF, MD_ABNORMAL, "yes", "markdown"),
        c(Q_LEFF, MD_ABNORMAL, "no", "markdown-laterality-policy"),
        c(Q_EFF, MD_TABLE, "no", "markdown-table"),
        c(Q_CM, MD_TABLE, "yes", "markdown-table"),
        c(Q_PTX, MD_TABLE, "no", "markdown-table"),
        c("Is there an acute rib fracture?", "**No acute fracture.** There are old healed "
          "fractures of the right 6th and 7th ribs.", "no", "markdown-time"),
        c(Q_PTX, MD_ASSESS, "no", "markdown"),
        c(Q_ATEL, MD_ASSESS, "yes", "markdown"),
        c(Q_EFF, "**No** pleural effusion is seen. The lungs are **clear**.", "no", "markdown"),
        # --- MedGemma thinking channel -------------------------------------------------------
        c(Q_LEFF, "<unused94>thought\nThe user asks about a left pleural effusion. I look at the "
          "left costophrenic angle: it is blunted with a meniscus. This is consistent with an "
          "effusion.<unused95>Yes, there is a small left pleural effusion.", "yes", "gemma"),
        c(Q_LEFF, "<unused94>thought\nInitially I thought the left angle was blunted, but on "
          "closer look it is sharp. There is no effusion.<unused95>No.", "no", "gemma"),
        c(Q_LEFF, "<unused94>thought\nI see no effusion on the left... actually the right angle "
          "is blunted.<unused95>No, there is no left pleural effusion; there is a small right "
          "pleural effusion.", "no", "gemma"),
        c(Q_LEFF, "<unused94>thought\nLet me examine the left costophrenic angle. It appears "
          "blunted, which suggests", "none", "gemma-cutoff"),
        c(Q_PTX, "<unused94>thought\nThe question is about pneumothorax. The lung markings "
          "extend to the periphery on both sides. No pleural line. So no pneumothorax.\n",
          "none", "gemma-cutoff"),
        c(Q_PTX, "<unused94>thought\nThe lung markings extend to the periphery.<unused95>**No**, "
          "there is no pneumothorax.", "no", "gemma"),
        c(Q_CM, "<unused94>thought\nCTR about 0.45. Not enlarged.<unused95>The heart size is "
          "within normal limits. No cardiomegaly.", "no", "gemma"),
        c(Q_EFF, "<unused94>thought\nThere is no effusion... hmm, wait, the right costophrenic "
          "angle is blunted.<unused95>Yes. Small right pleural effusion.", "yes", "gemma"),
        # --- MedVLM-R1 tags ------------------------------------------------------------------
        c(Q_EFF, "<think>The costophrenic angles appear sharp bilaterally. No meniscus sign is "
          "visible.</think>\n<answer>no</answer>", "no", "r1"),
        c(Q_EFF, "<think>The left costophrenic angle is blunted, suggesting fluid.</think>"
          "<answer>yes</answer>", "yes", "r1"),
        c(Q_PTX, "<think>There is no visible pleural line... but wait, at the right apex there is "
          "a thin line with no lung markings beyond it.</think><answer>Yes</answer>", "yes",
          "r1"),
        c(Q_PTX, "<think>Could this be a pneumothorax? Yes, maybe, there is a line. But no, it is "
          "a skin fold extending beyond the chest wall.</think><answer>No</answer>", "no", "r1"),
        c(Q_CM, "<think>The heart appears enlarged with a cardiothoracic ratio above 0.5",
          "none", "r1-cutoff"),
        c(Q_CM, "<think>The heart appears enlarged.</think>", "none", "r1-cutoff-policy"),
        c(Q_CM, "<think>The heart appears enlarged.</think><answer>", "none", "r1-cutoff"),
        c(Q_EFF, "<think>Both angles sharp.</think>\nThe answer is no.", "no", "r1"),
        c(Q_EFF, "<think>\nStep 1: Look at the costophrenic angles. The right one is blunted.\n"
          "Step 2: Check for meniscus. Present on the right.\n</think>\n"
          "<answer>A. yes</answer>", "yes", "r1"),
        c(Q_PNA, "<think>There is consolidation in the right lower lobe with air bronchograms."
          "</think><answer>Yes, consistent with right lower lobe pneumonia.</answer>", "yes",
          "r1"),
        c(Q_EDEMA, "<think>Cephalization and Kerley B lines are present.</think>"
          "<answer>yes</answer>", "yes", "r1"),
        c(Q_EDEMA, "<think>No Kerley lines, no cephalization.</think> <answer> No </answer>",
          "no", "r1"),
        c(Q_LEFF, "<think>The effusion is on the right side, not the left.</think>"
          "<answer>no</answer>", "no", "r1"),
        c(Q_EFF, "<think>Hmm.</think><answer>uncertain</answer>", "uncertain", "r1"),
        # --- laterality / location -----------------------------------------------------------
        c(Q_LEFF, RIGHT_EFF_SHARP_LEFT, "no", "laterality"),
        c(Q_REFF, RIGHT_EFF_SHARP_LEFT, "yes", "laterality"),
        c(Q_LEFF, "There is an effusion, but it is on the right side.", "no", "laterality"),
        c("Is there a left pneumothorax?", PTX_SIDES, "yes", "laterality"),
        c("Is there a right pneumothorax?", PTX_SIDES, "no", "laterality"),
        c("Is there consolidation in the left lower lobe?", LOBE_LUL, "no", "location"),
        c("Is there consolidation in the left upper lobe?", LOBE_LUL, "yes", "location"),
        c("Is there a right upper lobe opacity?", LOBE_RLL, "no", "location"),
        c("Is there a right lower lobe opacity?", LOBE_RLL, "yes", "location"),
        c("Is there a fracture of the left ribs?", "Healed fractures of the right posterior 5th "
          "and 6th ribs. The left ribs are intact.", "no", "laterality"),
        c("Is there a left-sided pleural effusion?", "Bilateral pleural effusions, larger on the "
          "right.", "yes", "laterality"),
        c("Is there a right-sided pleural effusion?", "Large left pleural effusion. No right "
          "effusion.", "no", "laterality"),
        c("Is there left lower lobe atelectasis?", "Right lower lobe atelectasis. Left lung "
          "clear.", "no", "laterality"),
        c("Is there an opacity in the right middle lobe?", "Right middle lobe opacity "
          "silhouetting the right heart border.", "yes", "location"),
        c("Is there a left apical pneumothorax?", "Small left basilar pneumothorax along the "
          "lateral costophrenic sulcus; the apex is clear.", "no", "location"),
        c(Q_LEFF, SIDE_LIST, "no", "laterality"),
        c(Q_REFF, SIDE_LIST, "yes", "laterality"),
        c("Is the mediastinum shifted to the left?", "Mediastinal shift to the right due to a "
          "large left pleural effusion.", "no", "laterality"),
        c("Is there a left pneumothorax?", R_PTX_UNCHANGED, "no", "laterality"),
        c(Q_PTX, R_PTX_UNCHANGED, "yes", "laterality-time"),
        c(Q_LEFF, "There is no evidence of a left pleural effusion. Note is made of a small "
          "right effusion.", "no", "laterality"),
        # --- negation scope ------------------------------------------------------------------
        c(Q_EFF, NEG_BUT, "yes", "negation-scope"),
        c(Q_PTX, NEG_BUT, "no", "negation-scope"),
        c(Q_EFF, "No evidence of consolidation or pleural effusion.", "no", "negation-scope"),
        c(Q_EFF, NO_FOCAL, "yes", "negation-scope"),
        c(Q_CONS, NO_FOCAL, "no", "negation-scope"),
        c(Q_CM, NEG_LIST_BUT, "yes", "negation-scope"),
        c(Q_PTX, NEG_LIST_BUT, "no", "negation-scope"),
        c(Q_CONS, NEG_LIST_BUT, "no", "negation-scope"),
        c(Q_EFF, "Neither pleural effusion nor pneumothorax is identified.", "no",
          "negation-scope"),
        c(Q_EFF, CLEAR_BUT_EFF, "yes", "negation-scope"),
        c(Q_EDEMA, CLEAR_BUT_EFF, "no", "negation-scope"),
        c(Q_EFF, "No pneumothorax. Left pleural effusion has slightly increased.", "yes",
          "negation-scope"),
        c(Q_CM, AORTA, "no", "negation-scope"),
        c("Is the aorta tortuous?", AORTA, "yes", "negation-scope"),
        c(Q_PTX, "Absence of pneumothorax after chest tube removal.", "no", "negation"),
        c(Q_EFF, "Pleural effusions are absent bilaterally.", "no", "negation"),
        c(Q_EFF, "I do not see any pleural effusion.", "no", "negation"),
        c(Q_CONS, WITHOUT_CONS, "no", "negation-scope"),
        c(Q_ATEL, WITHOUT_CONS, "yes", "negation-scope"),
        c(Q_EFF, LONG_NEG, "yes", "negation-scope"),
        c(Q_EDEMA, LONG_NEG, "no", "negation-scope"),
        c(Q_PTX, "There is no evidence of pneumothorax or pneumomediastinum. Right chest tube "
          "terminates at the apex.", "no", "negation-device"),
        c(Q_PTX, "No pneumothorax is identified. However, the evaluation of the apices is "
          "limited by overlying soft tissue.", "no", "negation"),
        c("Is there a pneumoperitoneum?", "Free air under the right hemidiaphragm, consistent "
          "with pneumoperitoneum.", "yes", "anatomy"),
        c("Is there free air under the diaphragm?", "No free air under the diaphragm.", "no",
          "anatomy"),
        c("Is there a mass?", "No mass or nodule is seen.", "no", "negation"),
        c(Q_PNA, "There is no radiographic evidence of pneumonia.", "no", "negation"),
        # --- multiple findings per sentence / lists ------------------------------------------
        c(Q_ATEL, BIBASILAR, "yes", "multi-finding"),
        c(Q_EFF, BIBASILAR, "yes", "multi-finding"),
        c(Q_PTX, BIBASILAR, "no", "multi-finding"),
        c(Q_CM, CHF_SENT, "yes", "multi-finding"),
        c(Q_EFF, CHF_SENT, "yes", "multi-finding"),
        c(Q_PNA, COPD, "no", "multi-finding"),
        c("Is there hyperinflation?", COPD, "yes", "multi-finding"),
        c("Is there a hiatal hernia?", HERNIA, "yes", "multi-finding"),
        c("Is there an acute fracture?", HERNIA, "no", "multi-finding"),
        c(Q_CONS, ORGAN_LIST, "no", "list"),
        c(Q_EFF, ORGAN_LIST, "yes", "list"),
        c(Q_REFF, NUM_LIST, "yes", "list"),
        c(Q_PTX, NUM_LIST, "no", "list"),
        c(Q_EFF, "Yes. There is a small left pleural effusion. No pneumothorax.", "yes",
          "answer-then-explanation"),
        # --- "Yes." followed by a contradiction ----------------------------------------------
        c(Q_EFF, "Yes. The lungs are clear and there is no pleural effusion.", "uncertain",
          "contradiction-policy"),
        c(Q_REFF, "No. There is a moderate right pleural effusion.", "uncertain",
          "contradiction-policy"),
        c(Q_PTX, "Yes. Actually, on closer review, there is no pneumothorax; the line is a skin "
          "fold.", "no", "contradiction-corrected"),
        c(Q_CM, "Yes. The heart size is normal.", "uncertain", "contradiction-policy"),
        # --- refusals, off-topic, empty ------------------------------------------------------
        c(Q_PTX, "I'm sorry, but I can't provide a medical diagnosis. Please consult a qualified "
          "radiologist.", "none", "refusal"),
        c(Q_EFF, "As an AI language model, I am unable to interpret medical images.", "none",
          "refusal"),
        c(Q_PTX, "I'm not a doctor, but the image appears to show a large right pneumothorax "
          "with collapse of the right lung.", "yes", "refusal-then-answer"),
        c(Q_PTX, "This is a frontal chest radiograph of an adult patient.", "none", "off-topic"),
        c(Q_EFF, "", "none", "empty"),
        c(Q_EFF, "Yes or no", "none", "echo"),
        c(Q_CM, "The image quality is good and the patient is well positioned.", "none",
          "off-topic"),
        c(Q_EFF, "Please provide the image.", "none", "off-topic"),
        c(Q_PTX, "The question asks whether there is a pneumothorax.", "none", "echo"),
        # --- Qwen / Lingshu / HuatuoGPT-Vision ------------------------------------------------
        c(Q_EFF, "Answer: no", "no", "qwen"),
        c(Q_EFF, "The answer is: Yes.", "yes", "huatuo"),
        c(Q_CM, "The correct option is (B) No.", "no", "huatuo"),
        c(Q_EFF, "Based on the chest X-ray image, there appears to be a pleural effusion on the "
          "left side, as indicated by the blunting of the left costophrenic angle.", "yes",
          "qwen"),
        c(Q_PTX, "In this chest X-ray, the lungs appear fully expanded with normal lung markings "
          "extending to the periphery. There is no visible pleural line. Therefore, there is no "
          "pneumothorax in this image.", "no", "qwen"),
        c(Q_EFF, "是的，左侧有少量胸腔积液。", "yes", "chinese-policy"),
        c(Q_PTX, "否，未见气胸。", "no", "chinese-policy"),
        c(Q_CM, "The image shows an enlarged heart. Cardiomegaly: yes.", "yes", "lingshu"),
        c(Q_CONS, "Assistant: No consolidation is seen.", "no", "qwen"),
        c(Q_EDEMA, "Yes, the chest X-ray shows signs of pulmonary edema, including bilateral "
          "perihilar opacities and Kerley B lines.", "yes", "qwen"),
        # --- size / count --------------------------------------------------------------------
        c("Is there a large pleural effusion?", "Small left pleural effusion.", "no", "size"),
        c("Is there a small pleural effusion?", "Small left pleural effusion.", "yes", "size"),
        c("Are there multiple pulmonary nodules?", "A single 1 cm nodule in the right upper "
          "lobe.", "no", "count"),
        c("Is there a solitary pulmonary nodule?", "Multiple bilateral pulmonary nodules, "
          "consistent with metastatic disease.", "no", "count"),
        c("Is there a large pneumothorax?", "Tiny left apical pneumothorax.", "no", "size"),
        c("Is there moderate cardiomegaly?", "Mild cardiomegaly.", "no", "size-policy"),
        # --- time asked in the question ------------------------------------------------------
        c("Has the left pleural effusion resolved?", "The left pleural effusion has resolved.",
          "yes", "time-question"),
        c("Has the left pleural effusion resolved?", "Persistent small left pleural effusion.",
          "no", "time-question"),
        c("Is there a new consolidation?", "Unchanged right lower lobe consolidation compared to "
          "prior.", "no", "time-question"),
        c("Is the pneumothorax larger than on the prior study?", "The right pneumothorax is "
          "slightly smaller than on the prior study.", "no", "time-question"),
        c("Is the pulmonary edema worse than before?", "Interval worsening of pulmonary edema.",
          "yes", "time-question"),
        c("Is there a new pleural effusion?", "New small right pleural effusion since the prior "
          "exam.", "yes", "time-question"),
        c(Q_PTX, "Previously seen left pneumothorax is not identified on the current study.",
          "no", "time"),
        c(Q_EFF, "Compared to the prior study, there is interval development of a small left "
          "pleural effusion.", "yes", "time"),
        c("Is there a lung nodule?", "The previously noted right upper lobe nodule is not seen "
          "on the current study.", "no", "time"),
        c(Q_CM, "Stable mild cardiomegaly.", "yes", "time"),
        c(Q_EFF, "Decreased but persistent small left effusion.", "yes", "time"),
        c("Is there consolidation in the left lower lobe?", "The left lower lobe opacity has "
          "improved, with residual consolidation.", "yes", "time"),
        c(Q_EFF, "The previously reported small effusion was likely due to technique; no "
          "effusion is present today.", "no", "time"),
    ]


CASES = _cases()
LABELS = ("yes", "no", "uncertain", "none")


def main() -> int:
    from vlmcore.answers.read import read_answer

    assert len(CASES) >= 200, len(CASES)
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for i, case in enumerate(CASES):
        got = read_answer(case.output, case.question)
        confusion[(case.expected, got.answer)] += 1
        if got.answer != case.expected:
            wrong.append((i, case, got))
    n = len(CASES)
    agree = n - len(wrong)
    print(f"answers held-out: {agree}/{n} agree ({100 * agree / n:.1f}%)")
    strict = [w for w in wrong if "policy" not in w[1].tag]
    n_strict = sum("policy" not in c.tag for c in CASES)
    print(f"excluding policy-tagged cases: {n_strict - len(strict)}/{n_strict} "
          f"({100 * (n_strict - len(strict)) / n_strict:.1f}%)")
    print("\nconfusion (rows = expected, columns = read_answer):")
    print(f"{'':>10}" + "".join(f"{lab:>10}" for lab in LABELS) + f"{'total':>8}")
    for exp in LABELS:
        row = [confusion[(exp, got)] for got in LABELS]
        print(f"{exp:>10}" + "".join(f"{v:>10}" for v in row) + f"{sum(row):>8}")
    # Flipped polarity (yes read as no or no as yes) is the costliest error for a release gate.
    flips = sum(1 for _, c, g in wrong if {c.expected, g.answer} == {"yes", "no"})
    print(f"\nyes<->no flips: {flips}")
    print(f"\ndisagreements ({len(wrong)}):")
    for i, case, got in wrong:
        print(f"[{i}] tag={case.tag} expected={case.expected} got={got.answer} rule={got.rule} "
              f"span={got.span} format={got.format}")
        print(f"     Q: {case.question}")
        print(f"     A: {case.output!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
