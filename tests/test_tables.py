import csv
import json
import os
from types import SimpleNamespace

import pytest

from policytext.errors import ParameterError, PolicytextError
from policytext.outputs import RecordWriter
from policytext.tables import CHUNK_ROWS, EXCEL_ROWS, check_output, format_of, read_table, read_table_batches, write_table

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


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, fmt):
    from conftest import with_file_size_limit

    path = tmp_path / f"t.{fmt}"
    path.write_text("old\n", encoding="utf-8")
    # The disk full half way through the table: its temporary file is begun, then refused.
    proc = with_file_size_limit(
        f"""
from policytext.tables import write_table
rows = {ROWS!r} * 200
LIMIT_FILE_SIZE
write_table(rows, {COLUMNS!r}, {str(path)!r})
""",
        limit=3000,
    )
    assert proc.returncode == 1 and "OSError: [Errno 27] File too large" in proc.stderr, proc.stderr
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert json.dumps(None) == "null"


def test_xlsx_keeps_within_excel_limits(tmp_path, monkeypatch):
    # A cell of 200,000 characters (2,000 evidence sentences) and rows past 1,048,576 made files Excel "repairs".
    openpyxl = pytest.importorskip("openpyxl")
    with pytest.warns(UserWarning) as said:
        write_table([{"file": "甲" * 40_000}, {"file": "乙" * 40_000}], ["file"], tmp_path / "t.xlsx")
    # The cell says it was cut, and so does the job: a summary's evidence cell is then no JSON list.
    assert [str(w.message) for w in said] == [
        f"{tmp_path / 't.xlsx'}: row 2, column file and 1 more: cut to the 32,767 characters an Excel cell holds; .csv, .jsonl or .parquet keep them whole"
    ]
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A2"].value
    assert len(cell) <= 32_767 and cell.startswith("甲" * 32_000)
    assert cell.endswith(f"…[{40_000 - (32_767 - 60):,} more characters cut: Excel holds 32,767 a cell]")
    rows = [{"file": "a"}] * 1_048_576
    with pytest.raises(PolicytextError, match="1,048,576 rows, more than an Excel sheet holds [(]1,048,575 and a header[)]; write .csv or .parquet") as refused:
        write_table(rows, ["file"], tmp_path / "big.xlsx")
    # Named as the output: the temporary file it was written to is gone.
    assert str(refused.value).startswith(f"{tmp_path / 'big.xlsx'}: ")
    assert not (tmp_path / "big.xlsx").exists() and os.listdir(tmp_path) == ["t.xlsx"]


def test_rows_from_an_iterable_make_the_table_a_list_makes_parquet_a_chunk_at_a_time(tmp_path):
    # Parquet from a job's spool held every record at once (2 KB a sentence); an iterable is converted in chunks.
    pq = pytest.importorskip("pyarrow.parquet")
    openpyxl = pytest.importorskip("openpyxl")
    n = 2 * CHUNK_ROWS + 7
    rows = [{"file": f"{i % 13}.txt", "index": i, "value": i / 7 if i % 5 else None, "none": None} for i in range(n)]
    columns = ["file", "index", "value", "none"]
    write_table(rows, columns, tmp_path / "list.parquet")
    write_table(iter(rows), columns, tmp_path / "iter.parquet")
    whole, chunked = pq.read_table(tmp_path / "list.parquet"), pq.read_table(tmp_path / "iter.parquet")
    assert chunked.schema.equals(whole.schema) and chunked.equals(whole)
    assert str(chunked.schema.field("none").type) == "string"  # no value in the first chunk: text, as in a list
    assert pq.ParquetFile(tmp_path / "iter.parquet").metadata.num_row_groups == 3
    write_table(rows[:50], columns, tmp_path / "list.xlsx")
    write_table(iter(rows[:50]), columns, tmp_path / "iter.xlsx")
    sheets = [list(openpyxl.load_workbook(tmp_path / f"{name}.xlsx").active.iter_rows(values_only=True)) for name in ("list", "iter")]
    assert sheets[1] == sheets[0] and len(sheets[0]) == 51 and sheets[0][7][:2] == ("6.txt", 6)
    # No rows: the table an empty list makes, its columns text but those declared.
    write_table(iter(()), columns, tmp_path / "empty.parquet", types={"index": "int"})
    write_table([], columns, tmp_path / "empty-list.parquet", types={"index": "int"})
    empty = pq.read_table(tmp_path / "empty.parquet")
    assert empty.equals(pq.read_table(tmp_path / "empty-list.parquet")) and [str(t) for t in empty.schema.types] == ["string", "int64", "string", "string"]


def test_an_iterable_whose_later_chunk_holds_another_type_is_refused_naming_the_output(tmp_path):
    pytest.importorskip("pyarrow")
    rows = ({"value": i if i < CHUNK_ROWS else "text"} for i in range(CHUNK_ROWS + 1))
    with pytest.raises(PolicytextError, match=f"^{tmp_path / 't.parquet'}: column 'value' holds a value that is not int64"):
        write_table(rows, ["value"], tmp_path / "t.parquet")
    assert os.listdir(tmp_path) == []


def _record(file, index=0):
    return {"file": file, "index": index, "start": 0, "end": 1, "section": ["一、"], "text": "甲", "part": "other", "label": "a", "score": 0.75, "probs": {"a": 0.75, "b": 0.25}}


def test_an_xlsx_job_stops_as_its_records_pass_a_sheet_and_keeps_the_documents_before(tmp_path):
    # The limit was checked only when the table was written, after every document was tagged,
    # naming a temporary file. A document's records are counted before they are written:
    # a list of one record many times over stands for a document of a million sentences.
    openpyxl = pytest.importorskip("openpyxl")
    out, d1, d2 = tmp_path / "o.xlsx", str(tmp_path / "d1.txt"), str(tmp_path / "d2.txt")
    spool = f"{out}.spool.jsonl"
    writer = RecordWriter(str(out), "xlsx", ["a", "b"])
    writer.write(SimpleNamespace(path=d1, encoded=None, records=[_record(d1, i) for i in range(10)]))
    fits = EXCEL_ROWS - 1 - 10  # with the header, a full sheet
    with pytest.raises(PolicytextError) as refused:
        writer.write(SimpleNamespace(path=d2, encoded=None, records=[_record(d2)] * (fits + 1)))
    message = str(refused.value)
    assert message.startswith(f"output='{out}': the records pass 1,048,575, the most an Excel sheet holds")
    assert "tag to .parquet, .csv or .jsonl instead" in message and f"1 whole document tagged so far are kept in {spool} (JSON Lines)" in message
    assert writer.done == {d1} and writer.rows == 10
    # A streamed document refused part-way is cut back, and so is its count.
    mark = writer.begin_stream()
    writer.append([_record(d2)] * 5)
    with pytest.raises(PolicytextError, match="the records pass"):
        writer.append([_record(d2)] * (fits - 4))
    writer.rollback(mark)
    assert writer.rows == 10
    writer.close(complete=False)
    assert len(open(spool, encoding="utf-8").readlines()) == 10 and not out.exists()
    # Resumed, the job counts the records it has: it stops the same way, and ends with those that fit.
    writer = RecordWriter(str(out), "xlsx", ["a", "b"], resume=True)
    assert writer.rows == 10 and writer.done == {d1}
    with pytest.raises(PolicytextError, match="the records pass"):
        writer.write(SimpleNamespace(path=d2, encoded=None, records=[_record(d2)] * (fits + 1)))
    writer.write(SimpleNamespace(path=d2, encoded=None, records=[_record(d2, i) for i in range(3)]))
    writer.close()
    values = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert len(values) == 14 and values[11][:2] == (d2, 0) and not os.path.exists(spool)


def test_a_parquet_job_writes_its_spool_in_blocks_as_one_table_and_resumes_it_a_batch_at_a_time(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "o.parquet"
    records = [_record(str(tmp_path / f"d{i // 40_000}.txt"), i % 40_000) for i in range(CHUNK_ROWS + 3)]
    writer = RecordWriter(str(out), "parquet", ["a", "b"])
    writer.append(records)
    writer.close()
    table = pq.read_table(out)
    assert pq.ParquetFile(out).metadata.num_row_groups > 1  # a block of the spool each
    assert table.schema.names == ["file", "index", "start", "end", "section", "text", "part", "label", "score", "p_a", "p_b"]
    assert [str(t) for t in table.schema.types] == ["string", "int64", "int64", "int64", *["string"] * 4, *["double"] * 3]
    assert table.column("index").to_pylist() == [r["index"] for r in records] and table.column("section")[0].as_py() == "一、"
    # Read back a batch at a time, and resumed from it: each document in the spool, named in the journal
    # where its records end (the second's are in two batches), and the same table written again.
    columns, batches = read_table_batches(out, rows=20_000)
    assert columns == table.schema.names and [len(b) for b in batches] == [20_000, 20_000, CHUNK_ROWS + 3 - 40_000]
    writer = RecordWriter(str(out), "parquet", ["a", "b"], resume=True)
    assert writer.done == {r["file"] for r in records}
    spool = f"{out}.spool.jsonl"
    lines = open(spool, "rb").read().splitlines(keepends=True)
    entries = [json.loads(line) for line in open(f"{spool}.journal", encoding="utf-8")]
    ends = [entry["end"] for entry in entries if "file" in entry]
    assert len(lines) == len(records) and ends == [sum(map(len, lines[:40_000])), sum(map(len, lines))]
    writer.close()
    assert pq.read_table(out).equals(table)
