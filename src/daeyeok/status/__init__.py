"""Translation status: progress, outdated blocks against translations.lock, structure checks (see report.py)."""
