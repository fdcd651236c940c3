"""ClinicalTrials.gov API v2: the HTTP client, the fields we ask for, and their mapping."""
