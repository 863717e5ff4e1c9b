"""A second validation set for ``check_paraphrase``: bindings, relations, time and change.

**Written before the check's rules changed** (issue 31), in radiology question style, and kept
apart from ``validation_pairs.py`` (written while the first checker was built). It holds what
a set-of-words comparison cannot get right:

- compound questions whose words are the same on both sides but bound differently: a side,
  size, lobe, time word or negation moved to the other finding; "X without Y" / "Y without
  X"; "left larger than right" / "right larger than left"; "on the left but not on the
  right" / the reverse (the four swaps of issue 31 and many neighbours);
- relation changes: with / without, and / or, larger / smaller, both / either;
- time and change vocabulary: acute, chronic, new, old, healed, resolved, persistent,
  stable, interval change, improvement, worsening, increased / decreased, tension;
- true paraphrases a reader must accept: conjuncts reordered with their bindings, a side
  moved from before the noun to after it, "X without Y" / "X but no Y", the converse
  comparison ("left larger than right" / "right smaller than left"), "fluid present in the
  right pleural space", "does the image contain ...".

Each entry is ``(base, candidate, same meaning?, kind)``.
"""

from __future__ import annotations

SAME, DIFFERENT = True, False

# fmt: off
# --- the four swaps of issue 31 and their neighbours, written out ---------------------------------
WRITTEN: list[tuple[str, str, bool, str]] = [
    # with / without
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pneumothorax without a pleural effusion?", DIFFERENT, "swapped binding"),
    ("Is there cardiomegaly without pulmonary edema?", "Is there pulmonary edema without cardiomegaly?", DIFFERENT, "swapped binding"),
    ("Is there consolidation without a pleural effusion?", "Is there a pleural effusion without consolidation?", DIFFERENT, "swapped binding"),
    ("Is there a pneumothorax without a rib fracture?", "Is there a rib fracture without a pneumothorax?", DIFFERENT, "swapped binding"),
    ("Is there a nodule without calcification?", "Is there calcification without a nodule?", DIFFERENT, "swapped binding"),
    ("Is there atelectasis with a pleural effusion?", "Is there atelectasis without a pleural effusion?", DIFFERENT, "relation change"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pleural effusion with a pneumothorax?", DIFFERENT, "relation change"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pleural effusion?", DIFFERENT, "relation change"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pneumothorax but no pleural effusion?", DIFFERENT, "swapped binding"),
    ("Is there cardiomegaly with pulmonary edema?", "Is there pulmonary edema with cardiomegaly?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pleural effusion but no pneumothorax?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there a pleural effusion and no pneumothorax?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion without a pneumothorax?", "Is there no pneumothorax but a pleural effusion?", SAME, "compound paraphrase"),
    ("Is there cardiomegaly without pulmonary edema?", "Is the heart enlarged without pulmonary edema?", SAME, "compound paraphrase"),
    ("Is there cardiomegaly without pulmonary edema?", "Is there cardiomegaly but no pulmonary edema?", SAME, "compound paraphrase"),
    # and, with sides, lobes, sizes, time words bound to each finding
    ("Is there a right effusion and a left pneumothorax?", "Is there a left effusion and a right pneumothorax?", DIFFERENT, "swapped binding"),
    ("Is there a right effusion and a left pneumothorax?", "Is there a left pneumothorax and a right effusion?", SAME, "compound paraphrase"),
    ("Is there a right effusion and a left pneumothorax?", "Is there an effusion on the right and a pneumothorax on the left?", SAME, "compound paraphrase"),
    ("Is there a right effusion and a left pneumothorax?", "Is there a right pneumothorax and a left effusion?", DIFFERENT, "swapped binding"),
    ("Is there a right effusion and a left pneumothorax?", "Is there a right effusion and a right pneumothorax?", DIFFERENT, "side change"),
    ("Is there a right effusion and a left pneumothorax?", "Is there a right effusion or a left pneumothorax?", DIFFERENT, "relation change"),
    ("Is there a left upper lobe nodule and right lower lobe consolidation?", "Is there a right upper lobe nodule and left lower lobe consolidation?", DIFFERENT, "swapped binding"),
    ("Is there a left upper lobe nodule and right lower lobe consolidation?", "Is there a left lower lobe nodule and right upper lobe consolidation?", DIFFERENT, "swapped binding"),
    ("Is there a left upper lobe nodule and right lower lobe consolidation?", "Is there consolidation in the right lower lobe and a nodule in the left upper lobe?", SAME, "compound paraphrase"),
    ("Is there a small left effusion and a large right effusion?", "Is there a large left effusion and a small right effusion?", DIFFERENT, "swapped binding"),
    ("Is there a small left effusion and a large right effusion?", "Is there a large right effusion and a small left effusion?", SAME, "compound paraphrase"),
    ("Is there a new effusion and an old rib fracture?", "Is there an old effusion and a new rib fracture?", DIFFERENT, "swapped binding"),
    ("Is there a pleural effusion and no pneumothorax?", "Is there a pneumothorax and no pleural effusion?", DIFFERENT, "swapped binding"),
    ("Is there no pneumothorax but a pleural effusion?", "Is there a pneumothorax but no pleural effusion?", DIFFERENT, "swapped binding"),
    ("Is the pneumothorax absent and the effusion present?", "Is the pneumothorax present and the effusion absent?", DIFFERENT, "swapped binding"),
    ("Is there a left effusion and no right effusion?", "Is there no left effusion and a right effusion?", DIFFERENT, "swapped binding"),
    ("Is there consolidation in the right lower lobe and atelectasis in the left lower lobe?", "Is there consolidation in the left lower lobe and atelectasis in the right lower lobe?", DIFFERENT, "swapped binding"),
    ("Is there a right pneumothorax with a left rib fracture?", "Is there a left pneumothorax with a right rib fracture?", DIFFERENT, "swapped binding"),
    ("Is there a right pneumothorax with a right rib fracture?", "Is there a right rib fracture with a right pneumothorax?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion and a pneumothorax?", "Is there a pneumothorax and a pleural effusion?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion and a pneumothorax?", "Are both a pleural effusion and a pneumothorax present?", SAME, "compound paraphrase"),
    ("Is there a pleural effusion and a pneumothorax?", "Is there a pleural effusion or a pneumothorax?", DIFFERENT, "relation change"),
    ("Is there a pleural effusion and a pneumothorax?", "Is there a pleural effusion without a pneumothorax?", DIFFERENT, "relation change"),
    ("Is there cardiomegaly and pulmonary edema?", "Is the heart enlarged and is there pulmonary edema?", SAME, "compound paraphrase"),
    ("Is there cardiomegaly and pulmonary edema?", "Is there cardiomegaly and no pulmonary edema?", DIFFERENT, "swapped binding"),
    ("Is there no pleural effusion and no pneumothorax?", "Are both pleural effusion and pneumothorax absent?", SAME, "compound paraphrase"),
    ("Are there bilateral pleural effusions?", "Are there pleural effusions on both sides?", SAME, "compound paraphrase"),
    ("Are there bilateral pleural effusions?", "Is there a pleural effusion on the left and on the right?", SAME, "compound paraphrase"),
    ("Is there a left effusion and a right effusion?", "Are there bilateral effusions?", SAME, "compound paraphrase"),
    ("Are there bilateral pleural effusions?", "Is there a pleural effusion on the left or on the right?", DIFFERENT, "relation change"),
    # larger / smaller than
    ("Is the left effusion larger than the right?", "Is the right effusion larger than the left?", DIFFERENT, "swapped binding"),
    ("Is the left effusion larger than the right?", "Is the right effusion smaller than the left?", SAME, "compound paraphrase"),
    ("Is the left effusion larger than the right?", "Is the left effusion smaller than the right?", DIFFERENT, "relation change"),
    ("Is the left effusion larger than the right?", "Is the left pleural effusion bigger than the right one?", SAME, "compound paraphrase"),
    ("Is the left effusion larger than the right?", "Is the effusion larger on the left than on the right?", SAME, "compound paraphrase"),
    ("Is the left effusion larger than the right?", "Is the effusion larger on the right than on the left?", DIFFERENT, "swapped binding"),
    ("Is the left effusion larger than the right?", "Is the left effusion as large as the right?", DIFFERENT, "relation change"),
    ("Is the left effusion larger than the right?", "Is the left effusion greater than the right?", SAME, "compound paraphrase"),
    ("Is the right lung larger than the left lung?", "Is the left lung larger than the right lung?", DIFFERENT, "swapped binding"),
    ("Is the right pneumothorax larger than the left pneumothorax?", "Is the left pneumothorax smaller than the right pneumothorax?", SAME, "compound paraphrase"),
    ("Is the right pneumothorax larger than the left pneumothorax?", "Is the left pneumothorax larger than the right pneumothorax?", DIFFERENT, "swapped binding"),
    ("Is the heart larger than normal?", "Is the heart enlarged?", SAME, "true paraphrase"),
    ("Is the heart larger than normal?", "Is the heart smaller than normal?", DIFFERENT, "relation change"),
    ("Is the nodule in the right upper lobe larger than the nodule in the left upper lobe?", "Is the nodule in the left upper lobe larger than the nodule in the right upper lobe?", DIFFERENT, "swapped binding"),
    # but not
    ("Is there an effusion on the left but not on the right?", "Is there an effusion on the right but not on the left?", DIFFERENT, "swapped binding"),
    ("Is there an effusion on the left but not on the right?", "Is there a left effusion but no right effusion?", SAME, "compound paraphrase"),
    ("Is there an effusion on the left but not on the right?", "Is there an effusion on the left and not on the right?", SAME, "compound paraphrase"),
    ("Is there an effusion on the left but not on the right?", "Is there an effusion on the left and on the right?", DIFFERENT, "relation change"),
    ("Is there consolidation in the right lower lobe but not in the left?", "Is there consolidation in the left lower lobe but not in the right?", DIFFERENT, "swapped binding"),
    ("Is there a pneumothorax on the right but not on the left?", "Is there a right pneumothorax without a left pneumothorax?", SAME, "compound paraphrase"),
    ("Is there atelectasis at the left base but not at the right base?", "Is there atelectasis at the right base but not at the left base?", DIFFERENT, "swapped binding"),
    ("Is there a pleural effusion but not a pneumothorax?", "Is there a pneumothorax but not a pleural effusion?", DIFFERENT, "swapped binding"),
    ("Is there a pneumothorax on the left?", "Is there a pneumothorax on the right?", DIFFERENT, "side change"),
    ("Is there a small pneumothorax on the left?", "Is there a small pneumothorax on the right?", DIFFERENT, "side change"),

    # --- time and change ----------------------------------------------------------------------------
    ("Is there an acute rib fracture?", "Is there a healed rib fracture?", DIFFERENT, "time or change"),
    ("Is there an acute rib fracture?", "Is there a rib fracture?", DIFFERENT, "time or change"),
    ("Is there an acute rib fracture?", "Is there a chronic rib fracture?", DIFFERENT, "time or change"),
    ("Is there a chronic rib fracture?", "Is there an old rib fracture?", SAME, "true paraphrase"),
    ("Is there a new pleural effusion?", "Is there any pleural effusion?", DIFFERENT, "time or change"),
    ("Is there a new pleural effusion?", "Is there a pleural effusion?", DIFFERENT, "time or change"),
    ("Is there a new pleural effusion?", "Is there a newly developed pleural effusion?", SAME, "true paraphrase"),
    ("Is there a new pleural effusion?", "Is there an old pleural effusion?", DIFFERENT, "time or change"),
    ("Is there a new pleural effusion?", "Has a pleural effusion developed since the prior study?", SAME, "true paraphrase"),
    ("Is there interval improvement of the pleural effusion?", "Is there interval worsening of the pleural effusion?", DIFFERENT, "time or change"),
    ("Is there interval improvement of the pleural effusion?", "Has the pleural effusion improved?", SAME, "true paraphrase"),
    ("Has the pleural effusion improved?", "Has the pleural effusion worsened?", DIFFERENT, "time or change"),
    ("Has the pleural effusion worsened?", "Has the pleural effusion gotten worse?", SAME, "true paraphrase"),
    ("Has the pleural effusion increased?", "Has the pleural effusion decreased?", DIFFERENT, "time or change"),
    ("Has the pleural effusion increased?", "Has the pleural effusion increased in size?", SAME, "true paraphrase"),
    ("Is there a persistent pneumothorax?", "Is there a resolved pneumothorax?", DIFFERENT, "time or change"),
    ("Has the pneumothorax resolved?", "Is the pneumothorax persistent?", DIFFERENT, "time or change"),
    ("Has the pneumothorax resolved?", "Is there a pneumothorax?", DIFFERENT, "time or change"),
    ("Has the pneumothorax resolved?", "Has the pneumothorax gone away?", SAME, "true paraphrase"),
    ("Is the pneumothorax persistent?", "Does the pneumothorax persist?", SAME, "true paraphrase"),
    ("Is the pneumothorax stable?", "Is the pneumothorax unchanged?", SAME, "true paraphrase"),
    ("Is the pneumothorax stable?", "Is the pneumothorax larger?", DIFFERENT, "time or change"),
    ("Is there a tension pneumothorax?", "Is there a pneumothorax?", DIFFERENT, "time or change"),
    ("Is there a tension pneumothorax?", "Is there a simple pneumothorax?", DIFFERENT, "time or change"),
    ("Is there a left tension pneumothorax?", "Is there a tension pneumothorax on the left?", SAME, "true paraphrase"),
    ("Is there interval change in the pleural effusion?", "Has the pleural effusion changed?", SAME, "true paraphrase"),
    ("Is there interval change in the pleural effusion?", "Is there a pleural effusion?", DIFFERENT, "time or change"),
    ("Is there interval change in the pleural effusion?", "Is the pleural effusion unchanged?", DIFFERENT, "time or change"),
    ("Is there acute pulmonary edema?", "Is there chronic pulmonary edema?", DIFFERENT, "time or change"),
    ("Is there an acute fracture?", "Is there an old fracture?", DIFFERENT, "time or change"),
    ("Is the consolidation new?", "Is the consolidation old?", DIFFERENT, "time or change"),
    ("Is there chronic scarring?", "Is there scarring?", DIFFERENT, "time or change"),
    ("Is there worsening cardiomegaly?", "Is there stable cardiomegaly?", DIFFERENT, "time or change"),
    ("Is there improving pneumonia?", "Is there worsening pneumonia?", DIFFERENT, "time or change"),
    ("Is there a healed fracture of the left clavicle?", "Is there an acute fracture of the left clavicle?", DIFFERENT, "time or change"),
    ("Has the atelectasis resolved?", "Has the atelectasis cleared?", SAME, "true paraphrase"),
    ("Is there a new nodule?", "Is there a nodule?", DIFFERENT, "time or change"),
    ("Is there a new nodule?", "Is there a new nodule in the lungs?", SAME, "true paraphrase"),
    ("Is there a persistent left pleural effusion?", "Is there a persistent right pleural effusion?", DIFFERENT, "side change"),
    ("Is there a persistent left pleural effusion?", "Is the left pleural effusion still present?", SAME, "true paraphrase"),
    ("Is the right pneumothorax increasing?", "Is the right pneumothorax decreasing?", DIFFERENT, "time or change"),
    ("Is the right pneumothorax increasing?", "Is the right pneumothorax getting larger?", SAME, "true paraphrase"),
    ("Is there residual pneumothorax?", "Is there a new pneumothorax?", DIFFERENT, "time or change"),
    ("Is there an old healed rib fracture?", "Is there a new rib fracture?", DIFFERENT, "time or change"),
    ("Is there a recurrent pneumothorax?", "Is there a pneumothorax?", DIFFERENT, "time or change"),
    ("Has the consolidation improved since the prior study?", "Has the consolidation worsened since the prior study?", DIFFERENT, "time or change"),

    # --- true paraphrases, one finding ---------------------------------------------------------------
    ("Is there a right pleural effusion?", "Is there fluid present in the right pleural space?", SAME, "true paraphrase"),
    ("Is there a pneumothorax?", "Does the image contain a pneumothorax?", SAME, "true paraphrase"),
    ("Is there cardiomegaly?", "Does this radiograph contain evidence of cardiomegaly?", SAME, "true paraphrase"),
    ("Is there a pleural effusion on the right?", "Is a right-sided pleural effusion visible?", SAME, "true paraphrase"),
    ("Is there a left pneumothorax?", "Is a pneumothorax present in the left hemithorax?", SAME, "true paraphrase"),
    ("Is there consolidation in the right lower lobe?", "Is the right lower lobe consolidated?", SAME, "true paraphrase"),
    ("Is there atelectasis at the left base?", "Is there atelectasis in the left lung base?", SAME, "true paraphrase"),
    ("Is there a nodule in the right upper lobe?", "Does the right upper lobe contain a nodule?", SAME, "true paraphrase"),
    ("Is there pulmonary edema?", "Are there signs of pulmonary edema on this film?", SAME, "true paraphrase"),
    ("Is there a rib fracture?", "Is a rib fractured?", SAME, "true paraphrase"),
    ("Is there a pleural effusion?", "Is there fluid in the pleural space?", SAME, "true paraphrase"),
    ("Is there a right pleural effusion?", "Is there pleural fluid on the right?", SAME, "true paraphrase"),
    ("Is there a left pleural effusion?", "Is there an effusion in the left pleural space?", SAME, "true paraphrase"),
    ("Is the heart enlarged?", "Is the cardiac silhouette enlarged?", SAME, "true paraphrase"),
    ("Is the heart enlarged?", "Does the heart look enlarged?", SAME, "true paraphrase"),
    ("Is there a pneumothorax on the right?", "Does the right hemithorax contain a pneumothorax?", SAME, "true paraphrase"),
    ("Is there consolidation?", "Can consolidation be seen in the lungs?", SAME, "true paraphrase"),
    ("Are there bilateral pleural effusions?", "Are there pleural effusions in both hemithoraces?", SAME, "true paraphrase"),
    ("Is there a nodule?", "Does the film contain a nodule?", SAME, "true paraphrase"),
    ("Is there a pneumothorax?", "Is any pneumothorax visible?", SAME, "true paraphrase"),
    ("Is there pulmonary edema?", "Is pulmonary edema present in the lungs?", SAME, "true paraphrase"),
    ("Is there a mass in the left lung?", "Does the left lung contain a mass?", SAME, "true paraphrase"),
    ("Is there cardiomegaly?", "Is the heart larger than normal?", SAME, "true paraphrase"),
    ("Is there a left pleural effusion?", "Is fluid present in the left pleural space?", SAME, "true paraphrase"),
    ("Is there a pleural effusion?", "Does the chest x-ray contain a pleural effusion?", SAME, "true paraphrase"),
    ("Is there a small right pneumothorax?", "Is a small pneumothorax present on the right?", SAME, "true paraphrase"),
    ("Is there a large left pleural effusion?", "Is there a large pleural effusion on the left side?", SAME, "true paraphrase"),
    ("Is there a large left pleural effusion?", "Is there a small left pleural effusion?", DIFFERENT, "size change"),
    ("Is there mild cardiomegaly?", "Is there severe cardiomegaly?", DIFFERENT, "size change"),
    ("Is there a pleural effusion?", "Is there a loculated pleural effusion?", DIFFERENT, "unknown qualifier"),
    ("Is there a pneumothorax?", "Is there a hydropneumothorax?", DIFFERENT, "unknown finding"),
    ("Is there a pleural effusion?", "Is there a subpulmonic pleural effusion?", DIFFERENT, "unknown qualifier"),
    ("Is there consolidation in the right lower lobe?", "Is there consolidation in the superior segment of the right lower lobe?", DIFFERENT, "unknown qualifier"),
]

#: finding pairs for the generated neighbours: (first, second) as they read in a question
PAIRS = [
    ("pleural effusion", "pneumothorax"), ("consolidation", "pleural effusion"), ("atelectasis", "pneumothorax"),
    ("nodule", "pleural effusion"), ("opacity", "pneumothorax"), ("mass", "pleural effusion"),
]
COUNT_NOUNS = {"pleural effusion", "pneumothorax", "nodule", "opacity", "mass"}
# fmt: on


def _np(finding: str, modifier: str = "") -> str:
    words = f"{modifier} {finding}".strip()
    if finding not in COUNT_NOUNS:
        return words
    return ("an " if words[0] in "aeiou" else "a ") + words


def _neighbours() -> list[tuple[str, str, bool, str]]:
    """The same swaps over other finding pairs and other phrasings (not the written ones)."""
    pairs = []
    for a, b in PAIRS:
        pairs += [
            (f"Is there {_np(a)} without {_np(b)}?", f"Is there {_np(b)} without {_np(a)}?", DIFFERENT, "swapped binding"),
            (f"Is there {_np(a)} without {_np(b)}?", f"Is there {_np(a)} but no {b}?", SAME, "compound paraphrase"),
            (f"Is there {_np(a)} without {_np(b)}?", f"Is there {_np(a)} with {_np(b)}?", DIFFERENT, "relation change"),
            (f"Is there {_np(a, 'left')} and {_np(b, 'right')}?", f"Is there {_np(a, 'right')} and {_np(b, 'left')}?",
             DIFFERENT, "swapped binding"),
            (f"Is there {_np(a, 'left')} and {_np(b, 'right')}?", f"Is there {_np(b, 'right')} and {_np(a, 'left')}?",
             SAME, "compound paraphrase"),
            (f"Is there {_np(a, 'small')} and {_np(b, 'large')}?", f"Is there {_np(a, 'large')} and {_np(b, 'small')}?",
             DIFFERENT, "swapped binding"),
            (f"Is there {_np(a)} on the right but not on the left?", f"Is there {_np(a)} on the left but not on the right?",
             DIFFERENT, "swapped binding"),
            (f"Is there {_np(a)} but no {b}?", f"Is there {_np(b)} but no {a}?", DIFFERENT, "swapped binding"),
            (f"Is there {_np(a, 'new')} and {_np(b)}?", f"Is there {_np(a)} and {_np(b, 'new')}?", DIFFERENT, "swapped binding"),
        ]
    for finding in ("pleural effusion", "pneumothorax", "opacity", "nodule"):
        pairs += [
            (f"Is the left {finding} larger than the right {finding}?", f"Is the right {finding} larger than the left {finding}?",
             DIFFERENT, "swapped binding"),
            (f"Is the left {finding} larger than the right {finding}?", f"Is the right {finding} smaller than the left {finding}?",
             SAME, "compound paraphrase"),
        ]
    return pairs


def pairs() -> list[tuple[str, str, bool, str]]:
    return WRITTEN + _neighbours()
