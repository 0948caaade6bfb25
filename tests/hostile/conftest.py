"""Hypothesis budgets for the fuzz tests: a small one for CI, a large one for ``make fuzz``.

``HYPOTHESIS_PROFILE=fuzz`` selects the large budget; unset, the tests use ``hostile-ci``, small
enough that the whole ``tests/hostile`` folder runs in well under a minute.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("hostile-ci", max_examples=20, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("fuzz", max_examples=2000, **_COMMON)  # type: ignore[arg-type]
