"""Pure models: no widgets, no charts; deterministic given a seed."""
from . import gainshare
from .shapley import shapley

__all__ = ["gainshare", "shapley"]
