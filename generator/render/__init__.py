"""Render stage: the Jinja environment, filters and URL building (`jinja`), the theme chain
(`theme`) and author Markdown (`markdown`).
"""
