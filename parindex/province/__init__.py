"""The province view: many units consolidated in one run, ranked within their group.

``folder`` reads the province folder (``don-vi.xlsx``, ``criteria/``, ``units/``),
``units`` consolidates one unit with the unit pipeline's own stages, ``rank`` is the
one stage above them (ranks, grades, comparison with last year, weak criteria).
"""
