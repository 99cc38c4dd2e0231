"""The commands beside build and serve: `goalpath pdf` (`pdf`), `new` and `init`
(`scaffold`), and the shared Chromium launch flags (`browser`).
"""
