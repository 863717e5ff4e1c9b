"""A labelled validation set for ``check_paraphrase``: (base, candidate, same meaning?, kind).

Written for this project, in the styles of the seed study's paraphrase file ("is there X in
the Y area?", voice, register, clause order) and of VQA-RAD's clinician pairs ("Can you
appreciate ...?", "Is the heart size normal?"). Meaning changes cover the kinds a blacklist
missed: a finding the lexicon does not know, a lobe or zone change, a size or severity change,
reformulations that invert a presence question, count changes, plus negation, laterality and
known-finding swaps. Paraphrases include equivalent count words ("several" / "multiple").
"""

PRESENCE = [  # (finding phrase, article, location or "", other known finding, unknown finding)
    ("pleural effusion", "a", "on the right", "pneumothorax", "empyema"),
    ("pneumothorax", "a", "on the left", "pleural effusion", "bulla"),
    ("nodule", "a", "in the right upper lobe", "mass", "hamartoma"),
    ("consolidation", "", "in the left lower lobe", "pleural effusion", "sarcoidosis"),
    ("opacity", "an", "in the right lower lobe", "nodule", "pneumatocele"),
    ("atelectasis", "", "at the left base", "consolidation", "bronchiolitis"),
    ("pulmonary edema", "", "", "pneumonia", "fibrothorax"),
    ("cardiomegaly", "", "", "pleural effusion", "pericarditis"),
    ("fracture", "a", "of the left sixth rib", "pneumothorax", "osteolysis"),
    ("mass", "a", "in the right hilum", "nodule", "lymphoma"),
]
SYNONYMS = {"pleural effusion": "pleural fluid", "pneumothorax": "collapsed lung", "nodule": "pulmonary nodule",
            "consolidation": "airspace consolidation", "opacity": "opacification", "atelectasis": "atelectatic changes",
            "pulmonary edema": "pulmonary oedema", "cardiomegaly": "an enlarged heart", "fracture": "broken rib", "mass": "lesion"}
LOCATION_CHANGES = {"on the right": "on the left", "on the left": "on the right", "in the right upper lobe": "in the right lower lobe",
                    "in the left lower lobe": "in the left upper lobe", "in the right lower lobe": "in the right middle lobe",
                    "at the left base": "at the left apex", "of the left sixth rib": "of the right sixth rib",
                    "in the right hilum": "in the right lung periphery"}
LOCATION_SYNONYMS = {"in the right upper lobe": "in the upper lobe of the right lung",
                     "in the left lower lobe": "in the lower lobe of the left lung", "at the left base": "at the base of the left lung",
                     "in the right lower lobe": "in the lower lobe of the right lung", "on the right": "on the right side",
                     "on the left": "in the left hemithorax"}
INVERSIONS = {"pleural effusion": ["Are the costophrenic angles sharp?", "Are the costophrenic angles clear?"],
              "pneumothorax": ["Is the lung fully expanded?", "Is the pleura intact?"],
              "nodule": ["Are the lungs clear?", "Is the lung parenchyma unremarkable?"],
              "consolidation": ["Are the lungs clear?", "Is the lung field normal?"],
              "opacity": ["Is the lung field clear?", "Is this lung normal?"],
              "atelectasis": ["Is the lung fully expanded?", "Is the lung base normal?"],
              "pulmonary edema": ["Are the lungs clear?", "Is the chest x-ray unremarkable?"],
              "cardiomegaly": ["Is the heart size normal?", "Is the cardiac silhouette within normal limits?"],
              "fracture": ["Are the ribs intact?", "Is the bony thorax normal?"],
              "mass": ["Is the hilum normal?", "Is the chest x-ray unremarkable?"]}


def _noun(article: str, finding: str) -> str:
    return f"{article} {finding}" if article else finding


def _presence_pairs() -> list[tuple[str, str, bool, str]]:
    pairs = []
    for finding, article, location, other, unknown in PRESENCE:
        noun, at = _noun(article, finding), f" {location}" if location else ""
        base = f"Is there {noun}{at}?"
        same = [
            f"Is {noun} present{at}?", f"Can {noun} be seen{at}?", f"Does this image show {noun}{at}?",
            f"Is there evidence of {noun}{at}?", f"On this radiograph, is there {noun}{at}?", f"Do you see {noun}{at}?",
            f"Please determine whether there is {noun}{at}.", f"Is there {noun}{at}, yes or no?",
            f"Can you appreciate {noun}{at} on this chest x-ray?", f"Has {noun} been identified{at}?",
            f"Is there any sign of {noun}{at}?", f"Is there {_noun('' if SYNONYMS[finding].startswith('an ') else article, SYNONYMS[finding])}{at}?",
        ]
        if location in LOCATION_SYNONYMS:
            same.append(f"Is there {noun} {LOCATION_SYNONYMS[location]}?")
        changed = [
            (f"Is there no {finding}{at}?", "negation"), (f"Is {noun} absent{at}?", "negation"),
            (f"Is there {_noun('a' if other[0] not in 'aeiou' else 'an', other) if article else other}{at}?", "known finding"),
            (f"Is there {_noun('a' if unknown[0] not in 'aeiou' else 'an', unknown)}{at}?", "unknown finding"),
            (f"Is there a small {finding}{at}?", "size"), (f"Is there a large {finding}{at}?", "size"),
            (f"Is there severe {finding}{at}?", "severity"),
        ]
        if location:
            changed.append((f"Is there {noun} {LOCATION_CHANGES[location]}?", "location or side"))
        else:
            changed.append((f"Is there {noun} in the right lower lobe?", "location added"))
        changed += [(text, "inverting reformulation") for text in INVERSIONS[finding]]
        pairs += [(base, text, True, "paraphrase") for text in same]
        pairs += [(base, text, False, kind) for text, kind in changed]
    return pairs


HANDWRITTEN = [
    # attribute questions and structure phrasings (VQA-RAD style)
    ("Is the heart enlarged?", "Is there cardiomegaly?", True, "paraphrase"),
    ("Is the heart enlarged?", "Does the heart look enlarged?", True, "paraphrase"),
    ("Is the heart enlarged?", "Is the cardiac silhouette enlarged?", True, "paraphrase"),
    ("Is there cardiomegaly?", "Is the heart size increased?", True, "paraphrase"),
    ("Is the heart enlarged?", "Is the heart size normal?", False, "inverting reformulation"),
    ("Is the heart enlarged?", "Is the heart small?", False, "size"),
    ("Is the pneumothorax large?", "Is the pneumothorax small?", False, "size"),
    ("Is the effusion small?", "Is the effusion moderate?", False, "size"),
    ("Is the edema mild?", "Is the edema severe?", False, "severity"),
    ("Is the effusion bilateral?", "Is the effusion unilateral?", False, "location or side"),
    ("Is the effusion bilateral?", "Are there effusions on both sides?", True, "paraphrase"),
    ("Is the pneumothorax left-sided?", "Is the pneumothorax on the left side?", True, "paraphrase"),
    ("Is the pneumothorax left-sided?", "Is the pneumothorax right-sided?", False, "location or side"),
    # counts: equivalent words are synonyms; a different count is a different question
    ("Are there multiple nodules?", "Are there several nodules?", True, "paraphrase"),
    ("Are there multiple nodules?", "Are numerous nodules seen?", True, "paraphrase"),
    ("Is there a single nodule?", "Is there a solitary nodule?", True, "paraphrase"),
    ("Is there a solitary nodule?", "Is there one nodule?", True, "paraphrase"),
    ("Is there a single nodule?", "Are there multiple nodules?", False, "count"),
    ("Are there several masses?", "Is there a solitary mass?", False, "count"),
    ("Are there multiple rib fractures?", "Is there a single rib fracture?", False, "count"),
    # zones and anatomy
    ("Is there an opacity at the right apex?", "Is there an opacity at the right base?", False, "location or side"),
    ("Is there an opacity at the right apex?", "Is there an apical opacity on the right?", True, "paraphrase"),
    ("Is there atelectasis at the lung bases?", "Is there basilar atelectasis?", True, "paraphrase"),
    ("Is there atelectasis in the bibasilar area?", "Is there atelectasis in both lung bases?", True, "paraphrase"),
    ("Is the nodule central?", "Is the nodule peripheral?", False, "location or side"),
    ("Is there a perihilar opacity?", "Is there a peripheral opacity?", False, "location or side"),
    ("Is there consolidation in the right middle lobe?", "Is there consolidation in the right lower lobe?", False, "location or side"),
    ("Is there a retrocardiac opacity?", "Is there an opacity behind the heart?", False, "unknown wording"),
    ("Is there free air under the diaphragm?", "Is there pneumoperitoneum?", False, "unknown wording"),
    # inverting reformulations of presence questions
    ("Is there a pneumothorax?", "Is the left lung fully expanded?", False, "inverting reformulation"),
    ("Is there an abnormality?", "Is this chest x-ray normal?", False, "inverting reformulation"),
    ("Are there abnormalities?", "Is the study within normal limits?", False, "inverting reformulation"),
    ("Is there a pleural effusion?", "Is the costophrenic angle sharp?", False, "inverting reformulation"),
    ("Is the trachea deviated?", "Is the trachea midline?", False, "unknown wording"),
    ("Is the mediastinum widened?", "Is the mediastinum normal?", False, "inverting reformulation"),
    ("Is the heart normal?", "Is the heart abnormal?", False, "inverting reformulation"),
    # clinician negated pairs and double negation
    ("Is there a pleural effusion?", "Is there no pleural effusion?", False, "negation"),
    ("Is there no pneumothorax?", "Is a pneumothorax absent?", True, "paraphrase"),
    ("Is the lung free of nodules?", "Are there nodules in the lung?", False, "negation"),
    # unknown qualifiers: the check must say it does not know, not accept
    ("Is there a pleural effusion?", "Is there a loculated pleural effusion?", False, "unknown qualifier"),
    ("Is there a nodule?", "Is there a calcified nodule?", False, "unknown qualifier"),
    ("Is there a pneumothorax?", "Is there a tension pneumothorax?", False, "unknown qualifier"),
    ("Is there consolidation?", "Is there new consolidation?", False, "unknown qualifier"),
    ("Is there a mass?", "Is there a cavitating mass?", False, "unknown qualifier"),
    # more paraphrases in the seed file's registers
    ("Is there pleural effusion?", "Pleural effusion?", True, "paraphrase"),
    ("Is there pleural effusion?", "Any pleural effusion?", True, "paraphrase"),
    ("Is there pleural effusion?", "Is there fluid in the pleural space?", True, "paraphrase"),
    ("Is there pleural effusion?", "Is there fluid around the lung?", True, "paraphrase"),
    ("Is there pneumothorax?", "Is there a collapsed lung?", True, "paraphrase"),
    ("Is there cardiomegaly?", "Is there an enlarged heart?", True, "paraphrase"),
    ("Is there consolidation?", "Is there a dense patch in the lung?", True, "paraphrase"),
    ("Is there an opacity?", "Is there a hazy area?", True, "paraphrase"),
    ("Is there a fracture?", "Is there a broken bone?", True, "paraphrase"),
    ("Is there pneumonia?", "Is there a lung infection?", True, "paraphrase"),
    ("Is there atelectasis in the left lower lobe?", "In the left lower lobe, is there atelectasis?", True, "paraphrase"),
    ("Is there atelectasis in the left lower lobe?", "Is atelectasis seen in the left lower lobe on this image?", True, "paraphrase"),
    ("Is there a nodule in the right upper lobe?", "Is a nodule demonstrated in the right upper lobe?", True, "paraphrase"),
    ("Is there edema?", "Is pulmonary edema visible?", True, "paraphrase"),
    # the seed study's "in the X area" questions
    ("is there atelectasis in the left lower lobe area?", "Is atelectasis present in the left lower lobe area?", True, "paraphrase"),
    ("is there atelectasis in the left lower lobe area?", "Can atelectasis be seen in the left lower lobe area?", True, "paraphrase"),
    ("is there atelectasis in the left lower lobe area?", "Is there atelectasis in the left upper lobe area?", False, "location or side"),
    ("is there atelectasis in the left lower lobe area?", "Is there atelectasis in the right lower lobe area?", False, "location or side"),
    ("is there consolidation in the right base area?", "In the right base area, is there consolidation?", True, "paraphrase"),
    ("is there consolidation in the right base area?", "Is there consolidation in the right apex area?", False, "location or side"),
    ("is there opacity in the lower zone area?", "Is there opacity in the lower lung zone?", True, "paraphrase"),
    ("is there opacity in the lower zone area?", "Is there opacity in the upper zone?", False, "location or side"),
    ("is there evidence of pleural effusion in this image?", "Is pleural effusion evident in this image?", True, "paraphrase"),
    ("is there evidence of pleural effusion in this image?", "Is there evidence of a small pleural effusion in this image?", False, "size"),
    ("is the pleural effusion bilateral?", "Regarding the pleural effusion, is it bilateral?", True, "paraphrase"),
    ("is the pleural effusion bilateral?", "Regarding the pleural effusion, is it left-sided?", False, "location or side"),
    ("is the pneumothorax large?", "Is the pneumothorax seen to be large?", True, "paraphrase"),
    ("is the heart enlarged?", "Radiographically, is the heart enlarged?", True, "paraphrase"),
    # clinician pairs in VQA-RAD's styles
    ("Is there evidence of pneumothorax?", "Is there a pneumothorax?", True, "paraphrase"),
    ("Is a pleural effusion present?", "Can you appreciate a pleural effusion anywhere?", True, "paraphrase"),
    ("Is there a right-sided pleural effusion?", "Is there a pleural effusion on the right side?", True, "paraphrase"),
    ("Is there a right-sided pleural effusion?", "Is there a left-sided pleural effusion?", False, "location or side"),
    ("Do you see a pleural effusion?", "Is a pleural effusion present?", True, "paraphrase"),
    ("Is a pulmonary mass present?", "Can a pulmonary mass be appreciated?", True, "paraphrase"),
    ("Is there a lung mass?", "Is there a mass in the lung?", True, "paraphrase"),
    ("Are any of the ribs fractured?", "Are there any rib fractures?", True, "paraphrase"),
    ("Is there a rib fracture?", "Is there evidence of any fractures of the ribs?", True, "paraphrase"),
    ("Is the left fifth rib fractured?", "Is the right fifth rib fractured?", False, "location or side"),
    ("Are the lungs hyperinflated?", "Do the lungs appear hyperinflated?", True, "paraphrase"),
    ("Are the lungs hyperinflated?", "Are the lungs clear?", False, "inverting reformulation"),
    ("Is there a mediastinal shift?", "Is the mediastinum shifted to the right?", False, "unknown wording"),
    ("Is there a cavitary lesion?", "Is there a cavitary lesion in this chest xray?", True, "paraphrase"),
    ("Is there a cavitary lesion?", "Is there a solid lesion?", False, "unknown qualifier"),
    ("Is there pleural thickening?", "Is there thickening of the pleura?", True, "paraphrase"),
    ("Is there pleural thickening?", "Is there pleural effusion?", False, "known finding"),
    ("Is there a small pneumothorax?", "Is there a tiny pneumothorax?", False, "size"),
    ("Is there mild cardiomegaly?", "Is there moderate cardiomegaly?", False, "severity"),
    ("Is there a focal opacity?", "Is there a diffuse opacity?", False, "size"),
    ("Is there a focal mass present?", "Is there a localized mass?", True, "paraphrase"),
]


def pairs() -> list[tuple[str, str, bool, str]]:
    return _presence_pairs() + HANDWRITTEN
