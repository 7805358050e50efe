"""The command line's exit codes and messages (no Prefect needed for these)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from tests.builders import SMALL_TREE, write_criteria, write_submission

runner = CliRunner()


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help(flag: str) -> None:
    result = runner.invoke(app, [flag])
    assert result.exit_code == 0
    assert "run" in result.output and "check" in result.output


def test_unusable_criteria_set_stops_with_exit_2(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "2023").mkdir(parents=True)
    write_criteria(
        inputs / "criteria" / "bo-chi-so.xlsx",
        [*SMALL_TREE, ["1.1", "Kế hoạch (lặp)", 0, "Thẩm định", "NV"]],
    )
    result = runner.invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert result.output == (
        "Lỗi: Bộ chỉ số “bo-chi-so.xlsx” không dùng được:\n"
        "  - ô A6: mã tiêu chí 1.1 bị lặp lại.\n"
        "  - ô A15: mã tiêu chí 1.1 bị lặp lại.\n"
    )
    assert not (tmp_path / "o").exists()


def test_missing_year_folder_stops_with_exit_2(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs / "criteria", inputs / "criteria")
    result = runner.invoke(app, ["run", "--year", "2030", "--inputs", str(inputs)])
    assert result.exit_code == 2
    assert result.output == (
        f"Lỗi: Không có thư mục nộp bài của năm 2030: “{inputs / '2030'}”.\n"
    )


def test_no_criteria_set_for_the_year_stops_with_exit_2(
    tmp_path: Path, sample_inputs: Path
) -> None:
    inputs = tmp_path / "inputs"
    shutil.copytree(sample_inputs / "criteria", inputs / "criteria")
    (inputs / "2019").mkdir()
    result = runner.invoke(app, ["run", "--inputs", str(inputs)])
    assert result.exit_code == 2
    assert "Không có bộ chỉ số nào áp dụng cho năm 2019" in result.output


def test_check_passes_a_clean_sample_file(sample_inputs: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(sample_inputs / "2023" / "phong-noi-vu.xlsx"),
            "--inputs",
            str(sample_inputs),
        ],
    )
    assert result.exit_code == 0
    assert result.output == "Không có vấn đề nào.\n"


def test_check_reports_errors_with_exit_1(tmp_path: Path, sample_inputs: Path) -> None:
    path = write_submission(
        tmp_path / "2023" / "nv.xlsx", [["1.1", "Kế hoạch", 1.5, 1.5, "2"]]
    )
    result = runner.invoke(
        app, ["check", str(path), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 1
    assert (
        '"message": "Điểm thẩm định 2 vượt điểm tối đa 1,5 của tiêu chí 1.1. Dòng '
        'này không được dùng, kể cả điểm tự đánh giá 1,5 ở ô D6."' in result.output
    )


def test_outputs_that_cannot_be_written_stop_with_exit_2(
    tmp_path: Path, sample_inputs: Path
) -> None:
    blocked = tmp_path / "outputs"
    blocked.write_text("not a folder")
    result = runner.invoke(
        app, ["run", "--inputs", str(sample_inputs), "--outputs", str(blocked)]
    )
    assert result.exit_code == 2
    assert result.output == (
        f"Lỗi: Không ghi được vào thư mục kết quả “{blocked}”: "
        "đây là một tệp, không phải thư mục.\n"
    )


def test_year_and_all_cannot_be_used_together(sample_inputs: Path) -> None:
    result = runner.invoke(
        app, ["run", "--all", "--year", "2023", "--inputs", str(sample_inputs)]
    )
    assert result.exit_code == 2
    assert result.output == "Lỗi: chỉ dùng một trong hai tùy chọn --year hoặc --all.\n"


def test_check_refuses_a_memory_bomb_outside_a_year_folder(
    tmp_path: Path, sample_inputs: Path
) -> None:
    corpus = Path(__file__).parent / "ingest" / "fixtures" / "corpus"
    bomb = tmp_path / "phong-noi-vu.xlsx"  # not in a year folder: its year is looked up
    shutil.copy(corpus / "far-cell" / "phong-noi-vu.xlsx", bomb)
    result = runner.invoke(
        app, ["check", str(bomb), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 1
    assert "Tệp có dữ liệu ở tận ô XFD1048576" in result.output


def test_dask_runner_without_prefect_dask_says_how_to_install_it(
    sample_inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "prefect_dask" else real(name, *a),
    )
    result = CliRunner().invoke(
        app,
        ["run", "--inputs", str(sample_inputs), "--outputs", str(tmp_path / "o")]
        + ["--runner", "dask"],
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Lỗi: --runner dask cần gói prefect-dask, chưa được cài. Cài bằng "
        "`pip install 'parindex[dask]'` (hoặc `uv sync --extra dask`), hoặc dùng "
        "--runner process để đọc bằng nhiều tiến trình trên máy này."
    )
    assert not (tmp_path / "o").exists()


def test_a_score_just_above_its_maximum_is_shown_apart_from_it(
    tmp_path: Path, sample_inputs: Path
) -> None:
    """0.5000001 against 0.5 was said "Điểm thẩm định 0,5 vượt điểm tối đa 0,5"
    (blind round 23B, F8): the score is shown with the decimals that tell it
    from the maximum."""
    path = write_submission(
        tmp_path / "2023" / "nv.xlsx", [["1.1", "Kế hoạch", 1.5, 1.5, 1.5000001]]
    )
    result = runner.invoke(
        app, ["check", str(path), "--inputs", str(sample_inputs), "--json"]
    )
    assert result.exit_code == 1
    assert (
        '"message": "Điểm thẩm định 1,5000001 vượt điểm tối đa 1,5 của tiêu chí 1.1. '
        'Dòng này không được dùng, kể cả điểm tự đánh giá 1,5 ở ô D6."' in result.output
    )
