"""Render stage, page by page: which pages exist and what each template receives (`jobs`),
site-wide views (`views`), period-review pages (`reviews`) and the JSON/CSV API (`api`).
"""
