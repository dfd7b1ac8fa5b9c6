"""One folder per feature, each listed in the wiring table (``app/wiring.py``)."""
