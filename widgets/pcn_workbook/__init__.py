"""PCN Workbook: models, charts and apps for teaching primary care networks.

The public names load on first use, so ``import pcn_workbook`` stays light (the models never pull
in widgets or charts).
"""

from importlib import import_module

__version__ = "0.1.0"

_PUBLIC = {
    "autonomy_app": ("pcn_workbook.apps.autonomy", "build"),
    "gainshare": ("pcn_workbook.models.gainshare", None),
    "shapley": ("pcn_workbook.models.shapley", "shapley"),
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'pcn_workbook' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    loaded = import_module(module)
    return getattr(loaded, attribute) if attribute else loaded
