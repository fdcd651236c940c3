"""Other ways to write a query: the editors' synonym groups and UK-to-US spelling rules.

A search runs the reader's words and each variant, and shows what any of them finds,
so "leukaemia" also finds "leukemia" and "Ozempic" finds "semaglutide". The same
variants are the spellings a no-results page suggests.
"""

import re

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sitesearch.models import SearchSynonym, split_terms

CACHE_KEY = "sitesearch:synonym-groups"
CACHE_SECONDS = 600
MAX_VARIANTS = 6

# UK to US spellings of medical words, word by word (the other way needs a dictionary:
# that is what the editors' list is for). Only patterns without common exceptions.
SPELLING_RULES = [
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),  # leukaemia, haematology, paediatric
    (re.compile(r"^oe(?=[a-z]{3})"), "e"),  # oesophagus, oestrogen, oedema
    (re.compile(r"(?<=[a-z])oe(?=[a-z]{2})"), "e"),  # diarrhoea, amenorrhoea
    (re.compile(r"(?<=[a-z]{3})our$"), "or"),  # tumour, behaviour (not four, hour)
    (re.compile(r"(?<=[a-z]{3})isation$"), "ization"),  # immunisation
]


def synonym_groups() -> list[list[str]]:
    """Every synonym group's terms (cached; an edit in the admin clears the cache)."""
    groups = cache.get(CACHE_KEY)
    if groups is None:
        groups = [
            split_terms(terms) for terms in SearchSynonym.objects.values_list("terms", flat=True)
        ]
        groups = [group for group in groups if len(group) >= 2]
        cache.set(CACHE_KEY, groups, CACHE_SECONDS)
    return groups


@receiver(post_save, sender=SearchSynonym, dispatch_uid="sitesearch.synonyms.saved")
@receiver(post_delete, sender=SearchSynonym, dispatch_uid="sitesearch.synonyms.deleted")
def forget_synonyms(sender, **kwargs):
    cache.delete(CACHE_KEY)


def normalise(query: str) -> str:
    return " ".join(query.lower().split())


def _respell(word: str) -> str:
    for pattern, replacement in SPELLING_RULES:
        word = pattern.sub(replacement, word)
    return word


def variants(query: str) -> list[str]:
    """Other spellings of QUERY (normalised, without QUERY itself), most specific first."""
    text = normalise(query)
    found: list[str] = []

    def add(candidate: str):
        if candidate != text and candidate not in found and len(found) < MAX_VARIANTS:
            found.append(candidate)

    for group in synonym_groups():
        for term in group:
            pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
            if pattern.search(text):
                for other in group:
                    if other != term:
                        add(pattern.sub(other, text))
    respelled = " ".join(_respell(word) for word in text.split())
    add(respelled)
    return found
