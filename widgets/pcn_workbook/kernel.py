"""The kernel an app page runs in under ``pcn-workbook serve``: ipykernel without its debugger.

ipykernel loads debugpy (the debugger's server) in every kernel it starts, whether or not anyone
will debug. Under Voila nobody can: a page may only send the comm, kernel-info and shutdown
messages (Voila's ``allowed_message_types``), so a ``debug_request`` never reaches the kernel.
Measured with benchmarks/kernel_memory.py on the scale app (three starts each way, medians): the
kernel was ready in 1.01 s instead of 1.59 s, and held 97.2 MB resident instead of 105.1 MB (USS
80.3 instead of 88.2 MB), so a room of forty needs about 320 MB less.

``python -m pcn_workbook.kernel -f <connection file>`` starts ipykernel exactly as
``ipykernel_launcher`` does, after making ``import debugpy`` fail, which ipykernel takes as "no
debugger" (it catches the ImportError and leaves debugging off). ``WorkbookKernelSpecManager``
hands Voila that command for the Python kernel ``serve`` would otherwise start, when that kernel
runs in the server's own Python (the one that has this package); any other kernel spec, such as a
"python3" spec pointing at another interpreter, is left as it is. Notebooks opened in JupyterLab or run by nbval keep the ordinary kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

LAUNCHER = "ipykernel_launcher"
MODULE = "pcn_workbook.kernel"


class WorkbookKernelSpecManager(KernelSpecManager):
    """Kernel specs as usual, except that ipykernel's launcher becomes this module's."""

    def get_kernel_spec(self, kernel_name, *args, **kwargs):
        spec = super().get_kernel_spec(kernel_name, *args, **kwargs)
        return without_debugger(spec)


def _this_python(program: str) -> bool:
    """Whether a kernel spec's program is this process's Python. jupyter_client itself runs a
    spec's bare ``python``, ``python3`` or ``python3.X`` with ``sys.executable``."""
    if program in {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}:
        return True
    try:
        return Path(program).resolve() == Path(sys.executable).resolve()
    except OSError:
        return False


def without_debugger(spec):
    """``spec`` with ``-m ipykernel_launcher`` replaced by ``-m pcn_workbook.kernel`` (changed in
    place and returned); a spec that does not start ipykernel that way in this Python is returned
    untouched (another interpreter may not have this package)."""
    argv = list(spec.argv)
    if not argv or not _this_python(argv[0]):
        return spec
    for i in range(len(argv) - 1):
        if argv[i] == "-m" and argv[i + 1] == LAUNCHER:
            argv[i + 1] = MODULE
            spec.argv = argv
            spec.metadata = {**(spec.metadata or {}), "debugger": False}
            break
    return spec


def main() -> None:
    sys.modules["debugpy"] = None  # `import debugpy` now raises ImportError: ipykernel starts without it
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
