"""App kernels under ``serve`` start without ipykernel's debugger (pcn_workbook/kernel.py).

The kernel test starts a real kernel from the spec ``serve`` hands Voila and runs code in it; the
browser side (a served page's kernel runs this launcher) is in tests/browser/test_voila_room.py.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager

from pcn_workbook import serve
from pcn_workbook.kernel import MODULE, WorkbookKernelSpecManager, without_debugger


def _spec(argv, **metadata) -> KernelSpec:
    return KernelSpec(argv=argv, display_name="Python 3", language="python", metadata=metadata)


def test_ipykernels_launcher_becomes_the_workbooks():
    spec = without_debugger(_spec(["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], debugger=True))
    assert spec.argv == ["python", "-m", MODULE, "-f", "{connection_file}"]
    assert spec.metadata["debugger"] is False


def test_any_other_kernel_is_left_as_it_is():
    argv = ["/opt/R/bin/R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"]
    spec = without_debugger(_spec(list(argv), debugger=True))
    assert spec.argv == argv and spec.metadata == {"debugger": True}


def test_ipykernel_in_another_python_is_left_as_it_is():
    """That interpreter may not have pcn_workbook: its kernels would fail to start."""
    argv = ["/opt/other-python/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = without_debugger(_spec(list(argv), debugger=True))
    assert spec.argv == argv and spec.metadata == {"debugger": True}


def test_this_python_by_its_full_path_is_changed():
    import sys

    spec = without_debugger(_spec([sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]))
    assert spec.argv[:3] == [sys.executable, "-m", MODULE]


def test_serve_hands_voila_the_spec_manager():
    argv = serve.voila_argv(serve.ServeOptions(notebooks=Path("notebooks")))
    assert "--VoilaConfiguration.kernel_spec_manager_class=pcn_workbook.kernel.WorkbookKernelSpecManager" in argv


def _run(client, code: str) -> str:
    """stdout of ``code`` run in the kernel (errors fail the test)."""
    out = []

    def output(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        assert msg["msg_type"] != "error", msg["content"]

    reply = client.execute_interactive(code, timeout=60, output_hook=output)
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(out)


def test_the_python_kernel_serve_starts_runs_widgets_and_has_no_debugger():
    spec = WorkbookKernelSpecManager().get_kernel_spec("python3")
    assert MODULE in spec.argv
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=WorkbookKernelSpecManager())
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        out = _run(client, "import sys, ipywidgets\n"
                           "slider = ipywidgets.IntSlider(value=3)\n"
                           "print(slider.value, 'debugpy' in sys.modules and sys.modules['debugpy'] is None)\n"
                           "print(sorted(m for m in sys.modules if m.startswith(('pydevd', '_pydevd'))))")
        assert out.split("\n")[:2] == ["3 True", "[]"]
        info = client.kernel_info(reply=True)["content"]
        assert info["status"] == "ok" and info["language_info"]["name"] == "python"
        assert not info.get("debugger", False)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
