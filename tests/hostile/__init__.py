"""Hostile input and faults: every case ends in bounded time and memory, with a clear message
where something was refused, and nothing stored or shown that should not be.

Every test here is marked ``hostile`` (with a ``category``); ``bench/hostile_report.py`` runs
them, and any test elsewhere marked ``@pytest.mark.hostile(category="...")``, as one table.
"""
