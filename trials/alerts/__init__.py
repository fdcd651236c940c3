"""E-mail alerts of finder searches (#13): a reader subscribes to a search by e-mail
(double opt-in, no account), a daily django-q2 task ("Send trial alerts") mails each
confirmed subscriber the matching trials added or changed in status since the last
digest. We store only the address, the search's query string and the confirmation
state/timestamps (``TrialAlert``); status changes are recorded per trial
(``TrialStatusChange``, from the sync's ``trial_status_changed`` signal)."""
