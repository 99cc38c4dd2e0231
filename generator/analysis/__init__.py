"""The analysis stage: typed site + data frames → pure results (no I/O, no HTML).

Modules: ``periods`` (KPI observations → periods, labels), ``progress`` (goal status,
forecast), ``learning`` (funnels, Wilson rates, leading indicators; privacy),
``skills`` (skills gap), ``impact`` (DiD / ITS per cohort, MDE), ``roi`` (Phillips),
``evidence`` (chain of evidence), ``smart`` (SMART check), ``alignment`` (goal tree)
and ``site`` (``analyse_site``: all of it, once per build). Nothing is imported here,
so commands that need no analysis stay fast.
"""
