"""`make test`'s sharing of the suite among xdist workers (tests/scheduling.py)."""

from types import SimpleNamespace

import pytest

from tests.scheduling import ModuleScheduling


class Worker:
    """Stands in for xdist's WorkerController: records the tests it is sent."""

    def __init__(self, name):
        self.sent = []
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False

    def send_runtest_some(self, indexes):
        self.sent.append(indexes)

    def shutdown(self):
        self.shutting_down = True  # xdist's way of saying "nothing more for you"


COLLECTION = [
    "tests/a/test_light.py::test_one",
    "tests/a/test_light.py::test_two",
    "tests/b/test_heavy.py::test_one",
    "tests/b/test_heavy.py::test_two[x]",
    "tests/b/test_heavy.py::Case::test_three",
    "tests/c/test_client.py::test_types@typed",
    "tests/d/test_other.py::test_lies@typed",
]


def scheduled(seconds):
    config = SimpleNamespace(
        getvalue=lambda name: ["2*popen"] if name == "tx" else None,
        option=SimpleNamespace(loadscopereorder=True),
    )
    scheduler = ModuleScheduling(config)
    scheduler.seconds = seconds
    workers = [Worker("gw0"), Worker("gw1")]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, COLLECTION)
    scheduler.schedule()
    return scheduler, workers


def sent_ids(worker):
    return [[COLLECTION[i] for i in batch] for batch in worker.sent]


def test_a_module_is_one_unit_and_a_group_joins_tests_of_any_module():
    scheduler, _workers = scheduled({})
    units = {scheduler._split_scope(nodeid) for nodeid in COLLECTION}
    assert units == {"tests/a/test_light.py", "tests/b/test_heavy.py", "typed"}


def test_free_workers_take_the_heaviest_unit_first_by_measured_seconds():
    _scheduler, (first, second) = scheduled({"tests/a/test_light.py": 500.0, "typed": 90.0})
    assert sent_ids(first)[0] == COLLECTION[0:2]
    assert sent_ids(second)[0] == COLLECTION[5:7]
    assert sent_ids(first)[1] == COLLECTION[2:5]  # what is left, when it comes to it


def test_an_unmeasured_module_weighs_a_second_a_test():
    _scheduler, (first, second) = scheduled({})
    assert sent_ids(first)[0] == COLLECTION[2:5]  # three tests, the heaviest
    assert sent_ids(second)[0] == COLLECTION[0:2]  # two, the first of the two units of two


class Item:
    """Stands in for a collected test: its ``django_db`` marker and its fixtures."""

    def __init__(self, nodeid, transaction=False, fixtures=()):
        self.nodeid, self.fixturenames = nodeid, list(fixtures)
        self.marker = SimpleNamespace(kwargs={"transaction": transaction})

    def get_closest_marker(self, name):
        return self.marker if name == "django_db" else None


def worker_config(dist="loadgroup"):
    return SimpleNamespace(workerinput={"workerid": "gw0"}, getvalue=lambda name: dist)


def test_a_transactional_test_is_refused_under_module_scheduling():
    """Its flush would empty the migrations' rows for the modules after it on its worker."""
    from tests.conftest import refuse_transactional_tests_under_module_scheduling as refuse

    items = [Item("tests/a.py::test_rows"), Item("tests/b.py::test_commit", transaction=True)]
    with pytest.raises(pytest.UsageError, match=r"tests/b\.py::test_commit"):
        refuse(worker_config(), items)
    with pytest.raises(pytest.UsageError, match="test_fixture"):
        refuse(worker_config(), [Item("tests/c.py::test_fixture", fixtures=["transactional_db"])])
    refuse(worker_config(), items[:1])  # ordinary tests pass
    refuse(worker_config(dist="load"), items)  # another scheduling keeps pytest-django's order
    refuse(SimpleNamespace(getvalue=lambda name: "loadgroup"), items)  # no xdist worker
