"""Cue words: negation, uncertainty, hypothetical mention, normality and comparison.

After the ConText trigger families (Chapman et al., J Biomed Inform 2009): *pre* triggers
scope forward, *post* triggers backward, and a few (``not``, modal hedges) take whichever side
holds the finding. Re-exported by ``lexicon``.
"""

from __future__ import annotations

#: negation, scoped forward ("no X", "without X", "negative for X")
NEGATION_PRE = ("no", "without", "negative for", "free of", "clear of", "absence of", "neither", "nor",
                "no evidence of", "no sign of", "no signs of", "no radiographic evidence of", "none of", "never",
                "lack of", "rules out", "ruled out for", "no findings of", "not any")
#: negation, scoped backward ("X is absent", "X: none")
NEGATION_POST = ("ruled out", "excluded", "none", "negative", "is gone")
#: negation on whichever side holds the finding ("not a pneumothorax", "pneumothorax is not seen")
NEGATION_AUTO = ("not", "absent", "cannot see", "can not see", "do not see", "does not show", "did not see")
#: words after "no" that leave a smaller or doubtful finding open ("no significant effusion")
QUALIFIERS = frozenset({"significant", "definite", "definitive", "obvious", "convincing", "large", "sizable", "sizeable",
                        "substantial", "gross", "frank", "appreciable", "overt", "clear-cut", "major", "marked", "dense", "discrete", "well-defined"})
#: qualifier words that are no other unit
QUALIFIER_WORDS = ("definitely", "unequivocal", "unequivocally", "definite", "definitive", "obvious", "convincing", "substantial", "gross", "frank", "appreciable",
                   "overt", "clear-cut", "major", "discrete")
#: uncertainty, scoped forward
HEDGE_PRE = ("possible", "probable", "questionable", "suspected", "suspicious for", "concerning for", "suggestive of",
             "suggests", "suggest", "suggesting", "could represent", "may represent", "might represent", "could reflect",
             "may reflect", "likely represents", "probably represents", "cannot exclude", "can not exclude",
             "cannot rule out", "can not rule out", "not rule out", "raises concern for", "worrisome for",
             "question of", "differential includes", "rule out", "indeterminate for", "equivocal for", "equivocal",
             "can't exclude", "presumed", "presumably", "may indicate", "might indicate", "could indicate",
             "may suggest", "could suggest", "might suggest", "may be due to", "could be due to", "may be related to",
             "consider", "cannot be certain", "can not be certain", "not certain", "raising concern for",
             "difficult to determine", "difficult to determine whether", "difficult to determine if", "hard to determine",
             "hard to determine whether", "difficult to assess", "difficult to assess whether", "hard to assess",
             "difficult to evaluate", "unclear whether", "unclear if", "not clear whether", "uncertain whether",
             "uncertain if", "difficult to tell whether", "hard to tell whether", "not possible to exclude")
#: uncertainty, scoped backward ("X cannot be excluded")
HEDGE_POST = ("cannot be excluded", "can not be excluded", "not excluded", "cannot be ruled out", "can not be ruled out",
              "not ruled out", "is not excluded", "hard to exclude", "difficult to exclude", "not be excluded",
              "not be ruled out", "is suspected", "is questionable", "is uncertain", "is equivocal", "is indeterminate",
              "is not certain", "can't be excluded", "can't be ruled out")
#: uncertainty over both neighbours ("atelectasis versus consolidation")
HEDGE_BOTH = ("versus", "vs", "or possibly")
#: uncertainty on whichever side holds the finding ("the heart may be enlarged", "there may be X")
HEDGE_AUTO = ("may", "might", "could", "possibly", "probably", "likely", "perhaps", "maybe", "i think", "uncertain",
              "may be", "might be", "could be", "is likely", "is possible", "is probable", "also possible",
              "unclear", "indeterminate", "not sure", "difficult to say", "hard to tell", "hard to say",
              "difficult to tell", "cannot be certain", "can't be certain", "query", "doubtful", "i suspect")
#: a finding spoken of in general, not found on this film ("pneumonia typically appears as ...",
#: "to assess for cardiomegaly, ..."): ConText's hypothetical category, for the whole clause
HYPOTHETICAL = ("typically", "usually", "generally", "classically", "to assess for", "to evaluate for",
                "to determine whether", "to determine if", "to look for", "look for", "looking for", "check for",
                "to check for", "if present", "is defined as", "would appear", "would be seen", "i need to check",
                "in order to assess", "evaluating for", "assessing for", "evaluate for", "assess for", "one looks for",
                "screening for", "when evaluating", "when assessing")
#: "no opacity *to suggest* pneumonia": the negation carries over; without one it is a hedge
CARRY = ("to suggest", "to indicate", "to support", "that would suggest", "suggesting", "to explain")
#: negation-looking words that state presence ("no change in the effusion")
PSEUDO_NEGATION = ("no change in", "no interval change in", "no significant change in", "no increase in",
                   "no increase in the size of", "not only", "no significant interval change in", "no new change",
                   "without change in", "no decrease in")

#: normality predicates, by what they assert (a question about them inverts a presence question)
NORMAL: dict[str, str] = {
    "normal": "normal", "unremarkable": "normal", "within normal limits": "normal", "normal in size": "normal",
    "normal size": "normal", "normal in size and contour": "normal", "within normal size limits": "normal",
    "negative study": "normal", "normal-sized": "normal", "normal sized": "normal",
    "clear": "clear", "well aerated": "clear", "well-aerated": "clear", "aerated": "clear", "otherwise clear": "clear",
    "intact": "intact", "sharp": "sharp", "patent": "patent", "expanded": "expanded", "fully expanded": "expanded",
    "well expanded": "expanded", "well-expanded": "expanded",
    "midline": "midline", "in the midline": "midline", "at the midline": "midline", "in midline": "midline",
    "at midline": "midline", "central in position": "midline",
}
ABNORMAL = ("abnormal", "pathologic", "pathological", "wrong")

COMPARATIVE_LARGER = ("larger", "bigger", "greater", "more extensive", "more prominent", "more than", "wider")
COMPARATIVE_SMALLER = ("smaller", "less extensive", "lesser", "less than", "narrower")
#: comparatives that take their object without "than" ("does the ratio exceed 0.5?")
COMPARATIVE_EXCEEDS = ("exceed", "exceeds", "exceeding", "exceeded")
#: height, not size: "the right hemidiaphragm is higher than the left" ("lower" is read as a
#: comparative only before "than")
COMPARATIVE_HIGHER = ("higher", "more elevated", "more superior")
COMPARATIVE_LOWER = ("more inferior",)
COMPARATIVE_EQUAL = ("as large as", "as big as", "the same size as", "similar in size to", "equal to", "symmetric with")

#: "yes or no" and its kin ask for an answer; they are not a negation
BINARY = ("yes or no", "or not", "present or absent", "or absent", "yes/no", "yes or no answer")
