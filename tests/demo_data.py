"""The demo data as the tests build it: through the services the first time in a process,
replayed after (tests/replay.py). The `demo`, `demo_accounts` and `published_demo` fixtures
(tests/conftest.py) and the fixtures that leave the demo's rounds at another point use these."""

import os

from tests.replay import replayed


def seed_demo(*, jabar_2018: str = "finalised", national_2020: str = "finalised"):
    """The demo editions, candidates and nominations, with Jawa Barat 2018 and the 2020
    national round replayed up to the points given (scoring.demo.seed_scoring). Returns what
    seed_candidates and seed_scoring return."""
    from candidates.demo import seed_candidates
    from scoring.demo import seed_scoring

    def seed():
        seeded = seed_candidates()
        return seeded, seed_scoring(jabar_2018=jabar_2018, national_2020=national_2020)

    return replayed(("demo", jabar_2018, national_2020), seed)


def seed_ceremonies() -> None:
    """The demo's results published, their ceremonies held, their certificates issued
    (ceremonies.demo.seed_ceremonies; the PDFs are generated on commit)."""
    from django.db import connection

    from ceremonies.demo import seed_ceremonies as seed

    if not connection.in_atomic_block:
        # A transactional test (the browser's): the certificates' PDFs are generated when the
        # issue commits, files a replay would not write.
        seed()
        return
    replayed("ceremonies", seed)


def create_demo_accounts() -> None:
    """One account per demo role (the create_demo_accounts command, which needs DEBUG)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    def create():
        with override_settings(DEBUG=True), open(os.devnull, "w") as devnull:
            call_command("create_demo_accounts", stdout=devnull)

    replayed("demo_accounts", create)
