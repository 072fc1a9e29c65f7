"""The package-level API stays what the issue promises, whatever submodules get imported."""

import importlib


def test_screen_and_compare_stay_functions_after_every_screening_import() -> None:
    for module in ("scrutiny.screening.names", "scrutiny.screening.records"):
        importlib.import_module(module)
    import scrutiny.screening.payments

    assert callable(scrutiny.screen) and callable(scrutiny.compare)
    assert 0.0 < scrutiny.DEFAULT_THRESHOLD < 1.0
