"""Write stage and orchestration: the builder (`builder`), safe output with an atomic swap
(`output`), theme assets and the Vega bundle (`assets`), and the memo kept between
builds (`memo`).
"""
