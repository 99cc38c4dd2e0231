"""Chart stage: Altair chart templates against named datasets (`templates`) and the
analysis → each page's chart rows (`figures`).
"""
