"""The Python API's errors name its own parameters (``output='o.jsonl'``, ``force=True``), never the
command line's flags (``--output``, ``--force``) that a Python caller never typed.

Each test calls a public function (``policytext.tag_files``, ``policytext.targets_files``),
in this process or, where a machine without an extra or with a full disk is needed, in a
process of its own; the command line's words for the same errors are checked in
test_cli.py and test_cli_edge.py.
"""

import os
import subprocess
import sys

import pytest

import policytext
from conftest import REPO

REPORT = (
    "2024年江城县政府工作报告\n一、上半年工作回顾\n"
    "新建高标准农田3000亩。排查整改安全隐患210条。完成规上工业产值38.6亿元，同比增长9.2%。"
    "新增城镇就业800人。化解信访积案7件。河道水质稳定达到三类。\n"
)


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "docs" / "a.txt"
    path.parent.mkdir()
    path.write_text(REPORT, encoding="utf-8")
    return path


def refusal(call, kind=policytext.PolicytextError):
    with pytest.raises(kind) as info:
        call()
    return info.value


def python(code, *, env=None, **kw):
    """Run ``code`` (which uses the public API) in a Python process of its own; its standard error, where it prints the error."""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, **kw)
    return done.returncode, done.stderr


def without(folder, *modules):
    """A folder to put first on PYTHONPATH in which importing ``modules`` fails: a machine without that extra."""
    for name in modules:
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed')\n")
    return {"PYTHONPATH": str(folder)}


def say_error(call):
    """Python code that makes ``call`` and prints the policytext error it raises, with its class and parameter."""
    return (
        "import policytext\n"
        f"try:\n    {call}\n"
        "except policytext.PolicytextError as exc:\n"
        "    import sys; print(type(exc).__name__, exc.parameter, str(exc), sep='|', file=sys.stderr)\n"
    )


# Outputs: check_outputs, check_output, foreign_output


def test_an_existing_output_of_the_users_names_output_and_force(tmp_path, doc):
    out = tmp_path / "o.jsonl"
    out.write_text("my notes\n", encoding="utf-8")
    exc = refusal(lambda: policytext.tag_files([doc], output=str(out), progress=False), policytext.ParameterError)
    assert str(exc) == f"output='{out}': the file exists and is not a records output policytext wrote; choose another file, or add force=True to replace it"
    assert (exc.parameter, exc.value) == ("output", str(out))
    assert out.read_text(encoding="utf-8") == "my notes\n"


def test_an_existing_summary_of_the_users_names_summary(tmp_path, doc):
    summary = tmp_path / "s.csv"
    summary.write_text("a,b\n1,2\n", encoding="utf-8")
    exc = refusal(lambda: policytext.tag_files([doc], output=str(tmp_path / "o.jsonl"), summary=summary, progress=False), policytext.ParameterError)
    assert str(exc) == f"summary='{summary}': the file exists and is not a summary policytext wrote; choose another file, or add force=True to replace it"


def test_two_outputs_in_one_file_name_both_parameters(tmp_path, doc):
    same = tmp_path / "o.csv"
    exc = refusal(lambda: policytext.tag_files([doc], output=str(same), errors=str(same), progress=False), policytext.ParameterError)
    assert str(exc) == f"errors='{same}': the same file as 'output'; give each output its own file"


def test_an_output_path_that_cannot_be_written_names_its_parameter(tmp_path, doc):
    exc = refusal(lambda: policytext.tag_files([doc], output=str(tmp_path), progress=False), policytext.ParameterError)
    assert str(exc) == f"output='{tmp_path}': the output is a folder"
    exc = refusal(lambda: policytext.tag_files([doc], panel=str(tmp_path / "no" / "p.csv"), progress=False), policytext.ParameterError)
    assert str(exc) == f"panel='{tmp_path / 'no' / 'p.csv'}': no such folder {tmp_path / 'no'}"
    assert exc.parameter == "panel"


def test_a_targets_table_over_a_file_of_the_users_names_output_and_force(tmp_path, doc):
    notes = tmp_path / "notes.csv"
    notes.write_text("my,own\n", encoding="utf-8")
    exc = refusal(lambda: policytext.targets_files([doc], output=notes, progress=False), policytext.ParameterError)
    assert str(exc) == f"output='{notes}': the file exists and is not a targets table policytext wrote; choose another file, or add force=True to replace it"


# Formats and extensions: check_table, records_format


def test_a_table_extension_that_names_no_format_names_the_parameter(tmp_path, doc):
    exc = refusal(lambda: policytext.tag_files([doc], summary=str(tmp_path / "s.txt"), progress=False), policytext.ParameterError)
    assert str(exc) == f"summary='{tmp_path / 's.txt'}': unknown table extension '.txt'; use one of .csv, .jsonl, .parquet, .xlsx"
    exc = refusal(lambda: policytext.targets_files([doc], output=tmp_path / "t.doc", progress=False), policytext.ParameterError)
    assert str(exc) == f"output='{tmp_path / 't.doc'}': unknown table extension '.doc'; use one of .csv, .jsonl, .parquet, .xlsx"


def test_a_format_that_disagrees_with_the_extension_names_format(tmp_path, doc):
    exc = refusal(lambda: policytext.targets_files([doc], output=tmp_path / "t.csv", format="jsonl", progress=False), policytext.ParameterError)
    assert str(exc) == f"output='{tmp_path / 't.csv'}': format='jsonl' disagrees with the extension .csv (csv)"
    exc = refusal(lambda: policytext.tag_files([doc], output=str(tmp_path / "o.csv"), format="jsonl", progress=False), policytext.ParameterError)
    assert str(exc) == f"{tmp_path / 'o.csv'}: format='jsonl' disagrees with the extension .csv"


def test_a_missing_extra_names_the_parameter_it_is_for(tmp_path, doc):
    env = without(tmp_path / "shim", "openpyxl", "pyarrow", "matplotlib")
    summary, out = tmp_path / "s.xlsx", tmp_path / "o.parquet"
    code, err = python(say_error(f"policytext.tag_files([{str(doc)!r}], summary={str(summary)!r}, progress=False)"), env=env)
    assert (code, err) == (0, f"PolicytextError|summary|summary='{summary}': writing .xlsx needs the 'excel' extra: pip install -e '.[excel]' in policytext's clone\n")
    code, err = python(say_error(f"policytext.tag_files([{str(doc)!r}], output={str(out)!r}, progress=False)"), env=env)
    assert (code, err) == (0, "PolicytextError|None|format='parquet' needs the 'parquet' extra: pip install -e '.[parquet]' in policytext's clone\n")
    code, err = python(say_error(f"policytext.tag_files([{str(doc)!r}], plot={str(tmp_path / 'p.png')!r}, progress=False)"), env=env)
    assert (code, err) == (0, "PolicytextError|None|drawing a plot ('plot') needs the 'plot' extra: pip install -e '.[plot]' in policytext's clone\n")


# The plot: check_font, check_plot_path


def test_a_bad_font_names_font(tmp_path, doc):
    matplotlib = pytest.importorskip("matplotlib")
    latin = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    cases = [
        ("nope.ttf", "font='nope.ttf': no such font file"),
        (str(tmp_path), f"font='{tmp_path}': is a folder; give a font file (.ttf, .otf or .ttc) in it"),
        (latin, f"font='{latin}': the font has no Chinese characters (it cannot draw 经济民生治理); choose one that does"),
    ]
    for font, message in cases:
        exc = refusal(lambda: policytext.tag_files([doc], plot=str(tmp_path / "p.png"), font=font, progress=False))
        assert (str(exc), exc.parameter) == (message, "font")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


def test_a_plot_extension_matplotlib_cannot_write_names_plot(tmp_path, doc):
    pytest.importorskip("matplotlib")
    from policytext.plot import find_cjk_font

    font = find_cjk_font()
    if font is None:
        pytest.skip("no font with Chinese characters on this machine: the font is checked first")
    plot = tmp_path / "shares.bmp"
    exc = refusal(lambda: policytext.tag_files([doc], plot=str(plot), progress=False), policytext.ParameterError)
    assert str(exc).startswith(f"plot='{plot}': cannot draw a figure as .bmp; use .png, .svg or .pdf (or .")


# The records output as it is written: RecordWriter


def test_a_full_disk_names_output_and_resume(tmp_path, doc):
    (doc.parent / "b.txt").write_text("".join(f"新建高标准农田{n}亩，完成规上工业产值{n}亿元。\n" for n in range(300)), encoding="utf-8")
    out = tmp_path / "labels.jsonl"

    def limit():
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG, as on a full disk with ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    code, err = python(say_error(f"policytext.tag_files([{str(doc.parent)!r}], output={str(out)!r}, progress=False)"), preexec_fn=limit)
    assert (code, err) == (0, f"PolicytextError|output|output='{out}': file too large; it keeps 1 whole document: free space and run again with resume=True\n")


def test_the_error_names_the_command_lines_flags_when_asked_to(tmp_path, doc):
    # What the command line does at its edge: one error, its options spelled otherwise.
    out = tmp_path / "o.jsonl"
    out.write_text("my notes\n", encoding="utf-8")
    exc = refusal(lambda: policytext.tag_files([doc], output=str(out), progress=False))
    flags = exc.worded(lambda name, value: f"--{name}" if value is None or value is True else f"--{name} {value}")
    assert flags == f"--output {out}: the file exists and is not a records output policytext wrote; choose another file, or add --force to replace it"
    assert exc.mentions == {"force": True}
