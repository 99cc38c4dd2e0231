"""Validate stage: the content contract (`schema`), the typed site built from it (`site`)
and the checks of every reference between content and data (`references`).
"""
