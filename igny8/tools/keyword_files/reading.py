"""Reading a keyword file: encoding and delimiter detected, the keyword and metric columns found by their
names in Search Console's and the common SEO tools' exports, every row checked. A file with a bad row is
refused as a whole, with each bad row's line number and what is wrong with it."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

MAX_KEYWORD_CHARS = 300
MAX_REPORTED_PROBLEMS = 20
_DELIMITERS = ",;\t|"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Column names as the tools write them (lowercased): Search Console (Query/Top queries), Semrush (Keyword,
# Search Volume, Keyword Difficulty, CPC), Ahrefs (Keyword, Volume, KD, CPC), Google Ads Keyword Planner
# (Keyword, Avg. monthly searches), Moz (Keyword, Monthly Volume, Difficulty).
KEYWORD_COLUMNS = ("query", "top queries", "queries", "keyword", "keywords", "search term", "search query", "term")
METRIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "clicks": ("clicks",),
    "impressions": ("impressions",),
    "ctr": ("ctr", "url ctr"),
    "position": ("position", "average position", "avg. position", "avg position", "current position"),
    "volume": ("volume", "search volume", "avg. monthly searches", "monthly volume", "monthly searches"),
    "difficulty": ("keyword difficulty", "kd", "difficulty", "kd %"),
    "cpc": ("cpc", "cpc (usd)", "cpc (usd)", "top of page bid (high range)"),
}
_INTEGER_METRICS = {"clicks", "impressions", "volume"}


class KeywordFileError(ValueError):
    """The file cannot be imported; the message says what to fix (bad rows with their line numbers)."""


@dataclass(frozen=True, slots=True)
class KeywordRecord:
    line: int
    text: str
    metrics: dict[str, float | int]


@dataclass
class KeywordFile:
    file_format: str  # "search_console", "seo_tool" or "plain_list"
    encoding: str
    delimiter: str | None
    records: list[KeywordRecord]
    duplicates: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # our name → the file's column


def normalise_keyword(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM wins, then UTF-8, then charset-normalizer's best guess."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise KeywordFileError("the file is not text in any encoding we recognise: export it as UTF-8 CSV")
    return str(best), best.encoding


def _delimiter(text: str) -> str | None:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else None


def _number(raw: str, metric: str) -> float | int | None:
    cleaned = raw.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned in {"", "-", "n/a", "N/A"}:
        return None
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").lstrip("$€£")
    if "," in cleaned and "." not in cleaned and re.fullmatch(r"\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")  # a decimal comma (12,5)
    cleaned = cleaned.replace(",", "")  # thousands separators (1,234)
    value = float(cleaned)  # ValueError for text
    if value != value or value in {float("inf"), float("-inf")} or value < 0:
        raise ValueError("not a non-negative number")
    if metric == "ctr" and percent:
        value /= 100
    if metric == "ctr" and value > 1:
        raise ValueError("a click-through rate above 100%")
    if metric in _INTEGER_METRICS:
        if value != int(value):
            raise ValueError("not a whole number")
        return int(value)
    return value


def _find_columns(header: list[str]) -> tuple[int | None, dict[str, int]]:
    names = [normalise_keyword(h).strip('"') for h in header]
    keyword = next((names.index(c) for c in KEYWORD_COLUMNS if c in names), None)
    metrics = {m: names.index(c) for m, choices in METRIC_COLUMNS.items() for c in choices if c in names}
    return keyword, metrics


def _check_keyword(raw: str) -> tuple[str | None, str | None]:
    text = normalise_keyword(raw)
    if not text:
        return None, "the keyword is empty"
    if _CONTROL.search(raw):
        return None, "the keyword holds control characters"
    if len(text) > MAX_KEYWORD_CHARS:
        return None, f"the keyword is longer than {MAX_KEYWORD_CHARS} characters"
    return text, None


@dataclass(frozen=True)
class _Layout:
    rows: list[list[str]]
    header: list[str]
    body_start: int  # 1 after a header, 0 for a plain list
    keyword_index: int
    metric_index: dict[str, int]
    delimiter: str | None
    file_format: str


def _layout(text: str) -> _Layout:
    """Where the keywords and metrics are: a CSV with a recognised header, or one keyword per line."""
    lines = text.splitlines()
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter)) if delimiter else [[line] for line in lines]
    header = rows[0] if rows else []
    keyword_index, metric_index = _find_columns(header)
    if keyword_index is None and len(header) > 1 and delimiter:
        raise KeywordFileError(
            f"no keyword column in the header ({', '.join(header[:8])}): name it one of "
            + ", ".join(repr(c.title()) for c in KEYWORD_COLUMNS[:5])
        )
    if keyword_index is None:
        return _Layout([[line] for line in lines], [], 0, 0, {}, None, "plain_list")
    console = normalise_keyword(header[keyword_index]) in {"query", "top queries", "queries"}
    return _Layout(rows, header, 1, keyword_index, metric_index, delimiter, "search_console" if console else "seo_tool")


def _read_row(layout: _Layout, line: int, row: list[str]) -> tuple[KeywordRecord | None, list[str]]:
    """One row → its record, or the problems that make it bad (each with its line number)."""
    if layout.body_start and len(row) != len(layout.header):
        return None, [
            f"line {line}: {len(row)} columns where the header has {len(layout.header)} (quote a value that "
            "holds the delimiter)"
        ]
    keyword, why = _check_keyword(row[layout.keyword_index])
    if keyword is None:
        return None, [f"line {line}: {why}"]
    metrics: dict[str, float | int] = {}
    problems = []
    for metric, index in layout.metric_index.items():
        raw = row[index]
        try:
            value = _number(raw, metric)
        except ValueError as exc:
            detail = str(exc) if "number" in str(exc) or "rate" in str(exc) else "not a number"
            problems.append(f"line {line}: {layout.header[index]} {raw.strip()[:40]!r} is {detail}")
            continue
        if value is not None:
            metrics[metric] = value
    return (None, problems) if problems else (KeywordRecord(line, keyword, metrics), [])


def read_keyword_file(data: bytes, *, max_rows: int) -> KeywordFile:
    """Every keyword of the file with its metrics, duplicates (after normalising) kept once."""
    if not data.strip():
        raise KeywordFileError("the file is empty: it needs one keyword per line, or a CSV with a Query/Keyword column")
    text, encoding = decode(data)
    layout = _layout(text)
    records: list[KeywordRecord] = []
    problems: list[str] = []
    seen: set[str] = set()
    duplicates = 0
    for line, row in enumerate(layout.rows[layout.body_start :], start=layout.body_start + 1):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not rows
        record, row_problems = _read_row(layout, line, row)
        problems.extend(row_problems)
        if record is None:
            continue
        if record.text in seen:
            duplicates += 1
            continue
        seen.add(record.text)
        records.append(record)
        if len(records) > max_rows:
            raise KeywordFileError(f"the file holds more than {max_rows} keywords (IGNY8_KEYWORD_IMPORT_MAX_ROWS)")
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = f"\n  … and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise KeywordFileError(
            f"{len(problems)} bad row(s), nothing imported; fix them and import again:\n  " + "\n  ".join(shown) + more
        )
    if not records:
        raise KeywordFileError("the file holds a header but no keywords")
    columns = {"keyword": layout.header[layout.keyword_index]} if layout.body_start else {}
    columns.update({m: layout.header[i] for m, i in layout.metric_index.items()})
    return KeywordFile(layout.file_format, encoding, layout.delimiter, records, duplicates, columns)
