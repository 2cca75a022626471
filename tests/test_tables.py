import csv
import json
import os

import pytest

from policytext.errors import ParameterError, PolicytextError
from policytext.tables import check_output, format_of, read_table, write_table

ROWS = [{"file": "a.txt", "value": 5.5, "text": "第一行\r\n第二行", "none": None}, {"file": "b.txt", "value": None, "text": "甲,乙\"丙\""}]
COLUMNS = ["file", "value", "text", "none"]


def test_csv_has_a_bom_quotes_every_field_and_keeps_line_breaks_in_values(tmp_path):
    path = tmp_path / "t.csv"
    assert write_table(ROWS, COLUMNS, path) == "csv"
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf\"file\",\"value\",\"text\",\"none\"\r\n")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [COLUMNS, ["a.txt", "5.5", "第一行\r\n第二行", ""], ["b.txt", "", "甲,乙\"丙\"", ""]]


def test_jsonl_keeps_column_order_and_types(tmp_path):
    path = tmp_path / "t.jsonl"
    write_table(ROWS, ["value", "file"], path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == ['{"value": 5.5, "file": "a.txt"}', '{"value": null, "file": "b.txt"}']


def test_parquet_and_xlsx(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    openpyxl = pytest.importorskip("openpyxl")
    write_table(ROWS, COLUMNS, tmp_path / "t.parquet", types={"none": "float"})
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.to_pylist()[0] == ROWS[0]
    assert str(table.schema.field("none").type) == "double" and str(table.schema.field("value").type) == "double"
    # An empty column of no declared type is text, not of type null (two runs' tables would not concatenate).
    write_table(ROWS, COLUMNS, tmp_path / "u.parquet")
    assert str(pq.read_table(tmp_path / "u.parquet").schema.field("none").type) == "string"
    write_table(ROWS, COLUMNS, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == COLUMNS and values[1][:3] == ["a.txt", 5.5, "第一行\r\n第二行"]


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(tmp_path):
    # "=1+1…" from a report became a live formula; "=HYPERLINK(…)" would too.
    openpyxl = pytest.importorskip("openpyxl")
    write_table([{"file": "=HYPERLINK(\"http://x\")", "text": "=1+1今年主要预期目标"}], ["file", "text"], tmp_path / "t.xlsx")
    row = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows(min_row=2))[0]
    assert [(c.value, c.data_type) for c in row] == [("=HYPERLINK(\"http://x\")", "s"), ("=1+1今年主要预期目标", "s")]


def test_format_follows_the_extension_and_a_disagreeing_format_is_refused(tmp_path):
    assert format_of(tmp_path / "x.JSONL") == "jsonl"
    # Refused in the one wording of a function's refusals: they said "x.txt: unknown table
    # extension", "x.csv: --format parquet disagrees", the command line's words (check_table's).
    cases = [
        (lambda: write_table(ROWS, COLUMNS, tmp_path / "x.csv", format="parquet"), "write_table(): 'format' must be None or the extension's format, 'csv', got 'parquet'"),
        (lambda: format_of("x.txt"), "format_of(): 'path' must be a table's path, ending .csv, .jsonl, .parquet or .xlsx, got 'x.txt'"),
        (lambda: read_table("x.tsv"), "read_table(): 'path' must be a table's path, ending .csv, .jsonl, .parquet or .xlsx, got 'x.tsv'"),
    ]
    for call, message in cases:
        with pytest.raises(ParameterError) as info:
            call()
        assert str(info.value) == message
    with pytest.raises(ParameterError, match=r"format_of\(\): 'format' must be None or one of"):
        format_of("x.csv", format="tsv")
    assert not (tmp_path / "x.csv").exists()


def test_outputs_that_are_no_regular_file_or_an_input_are_refused(tmp_path):
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    with pytest.raises(PolicytextError, match="the output is a folder"):
        write_table(ROWS, COLUMNS, folder)
    device = tmp_path / "null.csv"
    os.symlink(os.devnull, device)
    with pytest.raises(PolicytextError, match="the output is not a regular file"):
        check_output(device)
    doc = tmp_path / "report.csv"
    doc.write_text("x", encoding="utf-8")
    with pytest.raises(PolicytextError, match="the output is one of the input documents"):
        check_output(doc, inputs=[str(doc)])
    with pytest.raises(PolicytextError, match="no such folder"):
        check_output(tmp_path / "missing" / "t.csv")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "t.jsonl"
    path.write_text("old\n", encoding="utf-8")

    def broken(table, columns, tmp, types):
        open(tmp, "w").write("half")
        raise OSError("disk full")

    import policytext.tables as tables

    monkeypatch.setitem(tables._WRITERS, "jsonl", broken)
    with pytest.raises(OSError, match="disk full"):
        write_table(ROWS, COLUMNS, path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jsonl"]
    assert json.dumps(None) == "null"


def test_xlsx_keeps_within_excel_limits(tmp_path, monkeypatch):
    # A cell of 200,000 characters (2,000 evidence sentences) and rows past 1,048,576 made files Excel "repairs".
    openpyxl = pytest.importorskip("openpyxl")
    write_table([{"file": "甲" * 40_000}], ["file"], tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A2"].value
    assert len(cell) <= 32_767 and cell.startswith("甲" * 32_000)
    assert cell.endswith(f"…[{40_000 - (32_767 - 60):,} more characters cut: Excel holds 32,767 a cell]")
    rows = [{"file": "a"}] * 1_048_576
    with pytest.raises(PolicytextError, match="1,048,576 rows, more than an Excel sheet holds [(]1,048,575 and a header[)]; write .csv or .parquet"):
        write_table(rows, ["file"], tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
