"""Pure models: no widgets, no charts; deterministic given a seed."""
