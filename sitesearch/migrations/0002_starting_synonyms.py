"""A starting list of search synonyms (editors extend it in the admin: Snippets)."""

from django.db import migrations

STARTING_GROUPS = [
    ("leukaemia, leukemia", "UK and US spelling"),
    ("anaemia, anemia", "UK and US spelling"),
    ("haematology, hematology", "UK and US spelling"),
    ("tumour, tumor", "UK and US spelling"),
    ("oesophageal, esophageal", "UK and US spelling"),
    ("paediatric, pediatric", "UK and US spelling"),
    ("ozempic, wegovy, rybelsus, semaglutide", "Brand names of semaglutide"),
    ("mounjaro, zepbound, tirzepatide", "Brand names of tirzepatide"),
    ("keytruda, pembrolizumab", "Brand name of pembrolizumab"),
    ("opdivo, nivolumab", "Brand name of nivolumab"),
    ("kymriah, tisagenlecleucel", "Brand name of tisagenlecleucel (a CAR-T therapy)"),
    ("yescarta, axicabtagene ciloleucel, axi-cel", "Brand name of axicabtagene ciloleucel"),
    ("car-t, car t, chimeric antigen receptor", "Ways to write CAR-T"),
    ("heart attack, myocardial infarction", "Everyday and medical name"),
]


def create(apps, schema_editor):
    SearchSynonym = apps.get_model("sitesearch", "SearchSynonym")
    for terms, note in STARTING_GROUPS:
        SearchSynonym.objects.get_or_create(terms=terms, defaults={"note": note})


def remove(apps, schema_editor):
    SearchSynonym = apps.get_model("sitesearch", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=[terms for terms, _ in STARTING_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
