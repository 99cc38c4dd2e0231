"""Load stage: `goalpath.toml` (`config`), the content files with their field positions
(`content`) and each goal file's Git history (`history`).
"""
