"""docs/notebooks/tour.ipynb executes without errors (nbclient and
python3-ipykernel), quickly, and is committed without outputs."""
import json
import os
import sys
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

KERNEL = "libmatch-tour-python3"


def notebook_path():
    root = os.environ.get("LIBMATCH_SOURCE_ROOT")
    if not root:
        pytest.skip("LIBMATCH_SOURCE_ROOT is set by meson test")
    return os.path.join(root, "docs", "notebooks", "tour.ipynb")


@pytest.fixture
def private_jupyter(tmp_path, monkeypatch):
    """A kernelspec that runs this very interpreter (which imports the
    package from the build tree through PYTHONPATH and LIBMATCH_LIBRARY,
    inherited from our environment), and Jupyter's and IPython's state
    in a temporary folder instead of the home directory."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (libmatch tests)",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    return tmp_path


def test_committed_without_outputs():
    with open(notebook_path(), encoding="utf-8") as f:
        notebook = nbformat.read(f, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_notebook_executes(private_jupyter):
    assert os.environ.get("LIBMATCH_LIBRARY"), "the kernel finds the library through it"
    with open(notebook_path(), encoding="utf-8") as f:
        notebook = nbformat.read(f, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(private_jupyter)}})
    start = time.monotonic()
    client.execute()  # raises CellExecutionError with the traceback on failure
    seconds = time.monotonic() - start
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "data" in o and "image/png" in o["data"]]
    assert len(images) == 4  # composition, score terms, themes, a season
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "libmatch " in text and "groups, " in text and "pairs (optimal" in text
    assert "feasible: False" in text
    assert "repeated pairs per round, with history: [0, " in text
    assert "<libmatch.Rounds: 3 rounds, " in text
    assert "NotFound: records line 2, column 'languages': unknown language 'xx'" in text
    # Generous for a shared machine; on an idle one it takes a few seconds.
    assert seconds < 60, "the notebook took %.1f s" % seconds
