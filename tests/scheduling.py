"""How `make test` shares the suite among pytest-xdist workers: a module at a time.

Stock ``--dist loadgroup`` sends each ungrouped test to whichever worker is free, so a
module's tests land on both workers and each builds the module's shared rows
(``module_transaction``, ``team_rows``, the fifty explainers of the list query counts)
again. Here a module is one unit, as under ``--dist loadscope``, and ``xdist_group``
still joins its tests into one unit wherever they are. Free workers take the heaviest
unit left (seconds per module measured in a CI run, ``module_seconds.json``; about a
second a test for a module it does not list), so no long module is left for the end
while the other worker idles.
"""

import json
from pathlib import Path

from xdist.scheduler import LoadGroupScheduling

WEIGHTS = Path(__file__).with_name("module_seconds.json")


def module_seconds() -> dict[str, float]:
    return json.loads(WEIGHTS.read_text()) if WEIGHTS.exists() else {}


class ModuleScheduling(LoadGroupScheduling):
    """``loadgroup`` with each module as the default group, heaviest unit first."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        self.seconds = module_seconds()

    def _split_scope(self, nodeid: str) -> str:
        group = super()._split_scope(nodeid)
        return group if group != nodeid else nodeid.split("::", 1)[0]

    def _weight(self, scope: str) -> float:
        return self.seconds.get(scope, float(len(self.workqueue[scope])))

    def _assign_work_unit(self, node) -> None:
        heaviest = max(self.workqueue, key=self._weight)
        self.workqueue.move_to_end(heaviest, last=False)
        super()._assign_work_unit(node)
