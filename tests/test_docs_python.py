"""docs/python.md is a notebook session that runs: every example in it is checked."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "python.md"


def test_the_python_guide_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the guide writes map.html, report.html and a dataset folder
    # a code fence ends an example's expected output, as a blank line would
    text = DOC.read_text(encoding="utf-8").replace("\n```", "\n\n```")
    test = doctest.DocTestParser().get_doctest(text, {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 20 and result.failed == 0
    assert (tmp_path / "map.html").is_file() and (tmp_path / "jamaica-1996" / "actors.csv").is_file()
