"""``parindex check`` says what the nightly run would say, on a department's machine.

Every corpus case of issue 10's reading classes is checked file by file: ``check``
reports the same problems (severity, sheet, cell, message) as ingestion of the drop
folder. ``check`` finds the criteria set given with ``--criteria``, in
``<inputs>/criteria``, in a ``criteria`` folder beside the file or lying next to it,
and warns about a form with no score filled in.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from parindex import messages
from parindex.check import check_files
from parindex.cli import app

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "ingest" / "fixtures" / "corpus"
CRITERIA = REPO / "inputs" / "criteria" / "lai-chau-2022.xlsx"
sys.path.insert(0, str(CORPUS.parent))
import corpus_reading  # noqa: E402

READING_CASES = sorted(case.name for case in corpus_reading.reading_cases(False))
runner = CliRunner()


def _key(problem: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(problem[k]) for k in ("severity", "sheet", "cell", "criterion", "message")
    )


@pytest.mark.parametrize("name", READING_CASES)
def test_check_reports_what_the_run_reports(name: str, tmp_path: Path) -> None:
    case = CORPUS / name
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    folder = tmp_path / "2023"
    folder.mkdir()
    files = []
    for source in sorted(case.iterdir()):
        if source.name != "expected.json":
            files.append(shutil.copy2(source, folder / source.name))
    problems = check_files([Path(f) for f in files], tmp_path, criteria=CRITERIA)
    found = sorted(_key(p) for p in problems.to_dicts())
    assert found == sorted(_key(p) for p in expected["problems"])
    assert expected["problems"] or name in {
        "header-extra-words",
        "header-council-scored",
        "sub-items-agree",
        "merged-code-and-scores",
        "blank-template-beside-form",
        "hidden-metadata-line",
    }


def test_check_on_a_department_machine_with_criteria_file(tmp_path: Path) -> None:
    desk = tmp_path / "Desktop"
    desk.mkdir()
    form = shutil.copy2(CORPUS / "hidden-row-only" / "phong-noi-vu.xlsx", desk)
    elsewhere = tmp_path / "Tải về" / "bo-chi-so.xlsx"
    elsewhere.parent.mkdir()
    shutil.copy2(CRITERIA, elsewhere)
    result = runner.invoke(
        app, ["check", str(form), "--criteria", str(elsewhere), "--json"]
    )
    assert result.exit_code == 0
    hidden, verb = messages.HIDDEN_HOW["hidden"]
    assert json.loads(result.output) == [
        {
            "severity": "warning",
            "file": str(form),
            "sheet": "Chấm điểm",
            "cell": "A12",
            "department": "NV",
            "criterion": "5.2.1",
            "message": messages.ROW_HIDDEN_USED.format(
                row=12, code="5.2.1", hidden_how=hidden, hidden_how_verb=verb
            ),
        }
    ]


def test_check_finds_the_criteria_set_lying_next_to_the_file(tmp_path: Path) -> None:
    form = shutil.copy2(CORPUS / "header-extra-words" / "phong-noi-vu.xlsx", tmp_path)
    shutil.copy2(CRITERIA, tmp_path / "bo-chi-so-2022.xlsx")
    result = runner.invoke(
        app, ["check", str(form), "--inputs", str(tmp_path / "khong-co")]
    )
    assert result.exit_code == 0
    assert result.output == "Không có vấn đề nào.\n"


def test_check_without_any_criteria_set_says_how_to_give_one(tmp_path: Path) -> None:
    form = shutil.copy2(CORPUS / "header-extra-words" / "phong-noi-vu.xlsx", tmp_path)
    result = runner.invoke(
        app, ["check", str(form), "--inputs", str(tmp_path / "khong-co")]
    )
    assert result.exit_code == 2
    assert result.output == f"Lỗi: {messages.CHECK_NO_CRITERIA}\n"


def test_a_form_with_no_score_filled_in_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "2023"
    folder.mkdir()
    form = folder / "phong-noi-vu.xlsx"
    corpus_reading.write_office(
        form,
        {
            "Chấm điểm": corpus_reading.nv_sheet(
                corpus_reading.bc.rows_of(
                    [(c, None, None, "", "") for c, *_ in corpus_reading.bc.NV_LEAVES]
                )
            )
        },
    )
    problems = check_files([form], tmp_path, criteria=CRITERIA)
    assert problems.select("severity", "department", "message").rows() == [
        ("error", "NV", messages.FILE_NO_SCORES)
    ]


def test_outside_a_year_folder_the_latest_form_year_is_checked(tmp_path: Path) -> None:
    form = shutil.copy2(
        CORPUS / "sheet-of-another-year" / "phong-noi-vu.xlsx", tmp_path
    )
    problems = check_files([Path(form)], tmp_path, criteria=CRITERIA)
    assert problems.select("severity", "sheet", "message").rows() == [
        (
            "warning",
            "Năm 2022",
            messages.SHEET_OTHER_YEAR.format(
                sheet="Năm 2022", sheet_year=2022, year=2023
            ),
        )
    ]


def test_check_json_stopped_by_a_signal_answers_in_json(tmp_path: Path) -> None:
    """``--json`` promises JSON on stdout whenever the command stops: ``check``
    stopped by SIGTERM (here inside the import of the command line) printed
    nothing there."""
    from tests.test_refused_night import signalled_in_import

    sample = REPO / "inputs" / "2023" / "phong-noi-vu.xlsx"
    result = signalled_in_import(tmp_path, "typer", ["check", str(sample), "--json"])
    line = messages.INTERRUPTED.format(signal="SIGTERM")
    assert result.returncode == 143, result.stderr
    assert result.stderr == line + "\n"
    assert json.loads(result.stdout) == {"error": line, "exit_code": 143}


@pytest.mark.parametrize(
    ("form_year", "typed"),
    [
        (2022, None),  # last year's form, as the template made it
        (2024, "Năm: 2024"),  # next year's, filled early (re-check 28C, N4)
    ],
)
def test_check_of_another_years_form_outside_the_folders_says_so(
    tmp_path: Path, sample_inputs: Path, form_year: int, typed: str | None
) -> None:
    """Blind round 28B, F3: last year's form filled on a department's computer
    passed ``check`` ("Không có vấn đề nào."), checked as 2022's by its ``Năm``
    line; dropped in the 2023 folder, the night set it aside whole."""
    desk = tmp_path / "Desktop"
    desk.mkdir()
    source = sample_inputs / str(min(form_year, 2023)) / "phong-noi-vu.xlsx"
    form = shutil.copy2(source, desk)
    if typed is not None:
        book = openpyxl.load_workbook(form)
        book.active["A5"] = typed
        book.save(form)
    result = runner.invoke(
        app, ["check", str(form), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 0
    said = json.loads(result.output)
    assert [(p["severity"], p["cell"], p["message"]) for p in said] == [
        (
            "warning",
            "A5",
            f"Tệp ghi năm {form_year} nên được kiểm tra theo năm {form_year}, còn "
            "năm đang tổng hợp là 2023: đặt vào thư mục 2023, tệp này sẽ không được "
            "dùng. Nếu là bài nộp năm 2023, hãy điền mẫu năm 2023 (parindex "
            "template --year 2023).",
        )
    ]
    # in the 2023 folder the night's own words, with what to do
    (tmp_path / "2023").mkdir()
    in_year = shutil.copy2(form, tmp_path / "2023" / "phong-noi-vu.xlsx")
    result = runner.invoke(
        app, ["check", str(in_year), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 1
    (said,) = json.loads(result.output)
    assert said["message"] == (
        f"Tệp ghi năm {form_year} nhưng nằm trong thư mục năm 2023: không dùng. Nếu "
        "là bài nộp năm 2023, hãy điền mẫu năm 2023 (dòng “Năm: 2023”) rồi nộp lại; "
        f"nếu là tệp năm {form_year}, hãy chuyển sang thư mục {form_year}."
    )
