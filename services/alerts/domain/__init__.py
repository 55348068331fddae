"""The alert rules in pure Python: thresholds, windows, keys and the company's calendar."""
