"""Hypothesis profiles of the suite (docs/testing.md).

- "ci" (the default: `make test`, CI, any plain pytest run): derandomized. Every property and
  state-machine test draws the same examples on every run and every machine (the examples are
  derived from the test's own source), no example database is read or written, no deadline (the
  machine may be busy), and a failure prints the blob to reproduce it. A test passes or fails
  for what the code does, never for the seed it drew.
- "explore" (opt-in: `HYPOTHESIS_PROFILE=explore`): random, with `EXPLORE_FACTOR` times the
  examples of each test. The run's seed is printed in the header ("hypothesis: profile explore,
  seed N"); `HYPOTHESIS_SEED=N HYPOTHESIS_PROFILE=explore` replays exactly that run (pytest's
  `--hypothesis-seed=N` does too). A failure found this way becomes an explicit `@example` or a
  scripted test, so that the "ci" profile checks it from then on.

Tests ask for their example counts through `examples(n)` so that "explore" can scale them
(a count written as a literal in a test's settings would override the profile's)."""

import os
import random

from hypothesis import HealthCheck, Phase, Verbosity, settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
SEED_VARIABLE = "HYPOTHESIS_SEED"
DEFAULT_PROFILE = "ci"
EXPLORE_FACTOR = 10

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    # The suite runs on busy 2-core machines: slowness is not a failure of the code under test.
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    derandomize=False,
    database=None,  # replay a run by its seed, not by whatever a previous run stored locally
    deadline=None,
    print_blob=True,
    max_examples=100 * EXPLORE_FACTOR,
    suppress_health_check=[HealthCheck.too_slow],
    phases=list(Phase),
    verbosity=Verbosity.normal,
)


def profile_name() -> str:
    return os.environ.get(PROFILE_VARIABLE) or DEFAULT_PROFILE


def exploring() -> bool:
    return profile_name() == "explore"


def examples(n: int) -> int:
    """The example count of a test that runs `n` examples under the "ci" profile."""
    return n * EXPLORE_FACTOR if exploring() else n


def load() -> None:
    """Load the profile named by HYPOTHESIS_PROFILE (default "ci"). Called when tests/conftest.py
    is imported, before any test module builds its settings objects."""
    settings.load_profile(profile_name())


def choose_seed() -> int | None:
    """Under "explore": the run's seed (HYPOTHESIS_SEED, else a fresh one), forced for every
    test and exported so that xdist workers, started later from this process, use the same one.
    None under "ci" (derandomized: there is no seed to choose)."""
    if not exploring():
        return None
    from hypothesis import core

    if core.global_force_seed is not None:  # --hypothesis-seed (the plugin configures first)
        seed = core.global_force_seed
    elif os.environ.get(SEED_VARIABLE):
        seed = int(os.environ[SEED_VARIABLE])
    else:
        seed = random.SystemRandom().getrandbits(32)
    os.environ[SEED_VARIABLE] = str(seed)
    core.global_force_seed = seed
    return seed
