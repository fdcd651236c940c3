"""Signals the trials app sends; other apps (insights) decide what they mean for them."""

from django.dispatch import Signal

# Sent by the registry sync after a stored trial changed status or phases, once the
# change is committed. Keyword arguments:
#   trial       the Trial as now stored
#   old_status, new_status   overall status strings (registry enum values)
#   old_phases, new_phases   lists of phase strings
#   run         the TrialSyncRun that saw the change
# sender is the Trial class. Receivers are called with send_robust(): an exception in a
# receiver is logged and recorded as a run warning, never fails the sync.
trial_status_changed = Signal()

# Sent by the registry sync after it wrote trials (new or changed rows), so caches that
# show them can forget them. Keyword argument: nct_ids, the NCT IDs written.
trials_changed = Signal()
