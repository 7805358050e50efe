"""A province night leaves the same true record as a unit's: ``TRANG-THAI.txt`` in
the province's year folder (which units are clean, partial, failed, not
submitted, and which complete run the files come from), each unit's own page, and
a record of a night refused before it started."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from parindex import messages
from parindex import run_record as record
from parindex.cli import app
from parindex.province.run import run_province
from parindex.province.status import province_verdict
from tests.builders import set_appraisal
from tests.province.conftest import PROVINCE_INPUTS

NOT_A_WORKBOOK = (
    "Tệp không phải bảng tính mà là văn bản thuần (CSV hoặc TXT): có lẽ đã chọn "
    "nhầm tệp hoặc đổi đuôi tệp. Hãy nộp tệp Excel (.xlsx, .xlsm, .xls) hoặc "
    "LibreOffice (.ods)."
)


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    copy = tmp_path / "inputs"
    shutil.copytree(PROVINCE_INPUTS, copy)
    return copy


def break_units(inputs: Path) -> None:
    """SH: one department's only file is not a workbook (partial: it submitted a
    file that cannot be used); TD: its own
    criteria set cannot be read (failed). SYT has no 2023 folder (missing)."""
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").write_bytes(b"not a workbook")
    (inputs / "units/TD/criteria").mkdir()
    (inputs / "units/TD/criteria/bo-chi-so.xlsx").write_bytes(b"not a workbook")


def _page(outputs: Path, year: int = 2023) -> list[str]:
    return (outputs / str(year) / "TRANG-THAI.txt").read_text("utf-8").splitlines()


def test_a_night_where_units_broke_lists_each_unit_by_how_it_ended(
    inputs: Path, tmp_path: Path
) -> None:
    break_units(inputs)
    outputs = tmp_path / "outputs"
    _, runs, written = run_province(inputs, outputs, 2023, now=time.time())
    found = province_verdict(runs)
    assert found.label == (
        "Hoàn thành, có đơn vị không tổng hợp được, có đơn vị có lỗi hoặc thiếu "
        "bài nộp, có đơn vị chưa nộp"
    )
    lines = _page(outputs)
    manifest = f"runs/{written.manifest.name}"
    assert written.manifest.name.startswith("province-")
    assert lines[0] == "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC TOÀN TỈNH NĂM 2023"
    assert lines[3].startswith("Lần chạy gần nhất: ")
    assert lines[4:] == [
        "Kết quả: HOÀN THÀNH, CÓ ĐƠN VỊ KHÔNG TỔNG HỢP ĐƯỢC, CÓ ĐƠN VỊ CÓ LỖI HOẶC "
        "THIẾU BÀI NỘP, CÓ ĐƠN VỊ CHƯA NỘP: 7 đơn vị: 4 hoàn thành, 1 có lỗi hoặc "
        "thiếu bài nộp, 1 không tổng hợp được, 1 chưa nộp",
        "Lần chạy Prefect: —",
        f"Biên bản lần chạy: {manifest}",
        "",
        f"Các tệp kết quả trong thư mục là của lần chạy này (biên bản {manifest}); "
        "trạng thái riêng của từng đơn vị: units/<mã đơn vị>/2023/TRANG-THAI.txt.",
        "",
        "Đơn vị hoàn thành, không lỗi, đủ bài nộp (4/7):",
        "  - PT: UBND huyện Phong Thổ",
        "  - SNV: Sở Nội vụ",
        "  - STP: Sở Tư pháp",
        "  - STC: Sở Tài chính (số liệu tạm tính)",
        "Đơn vị hoàn thành nhưng có lỗi hoặc thiếu bài nộp (1/7):",
        "  - SH: UBND huyện Sìn Hồ (HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; "
        "1 đơn vị đã nộp nhưng tệp không dùng được (NV))",
        "Đơn vị không tổng hợp được (1/7):",
        "  - TD: UBND huyện Tam Đường (Không tổng hợp được đơn vị: Bộ chỉ số "
        f"“bo-chi-so.xlsx” không dùng được: - không đọc được tệp ({NOT_A_WORKBOOK}).)",
        "Đơn vị chưa nộp (1/7):",
        "  - SYT: Sở Y tế (Đơn vị chưa có thư mục nộp bài năm 2023 "
        f"({inputs / 'units' / 'SYT' / '2023'}).)",
        "",
        "Thay đổi so với lần chạy trước:",
        "  - Lần tổng hợp đầu tiên của năm 2023.",
    ]
    # the unit's own page, as a unit run writes it
    sh = (outputs / "units/SH/2023/TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert sh[0] == "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC NĂM 2023"
    assert sh[4] == (
        "Kết quả: HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; "
        "1 đơn vị đã nộp nhưng tệp không dùng được (NV)"
    )
    assert "Đơn vị chưa nộp (0/6):" in sh
    assert "Đơn vị đã nộp nhưng tệp không dùng được (1/6):" in sh
    # the record says it too, unit by unit
    document = json.loads(written.manifest.read_text("utf-8"))
    assert {u["code"]: u["result"] for u in document["units"]} == {
        "PT": "clean",
        "TD": "failed",
        "SH": "partial",
        "SNV": "clean",
        "STP": "clean",
        "STC": "clean",
        "SYT": "missing",
    }


def test_a_clean_night_says_so(inputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    _, runs, _ = run_province(inputs, outputs, 2022, now=time.time())
    assert province_verdict(runs).clean
    lines = _page(outputs, 2022)
    assert lines[4] == (
        "Kết quả: HOÀN THÀNH: 7 đơn vị: 7 hoàn thành, 0 có lỗi hoặc thiếu bài nộp, "
        "0 không tổng hợp được, 0 chưa nộp"
    )
    assert "Đơn vị hoàn thành, không lỗi, đủ bài nộp (7/7):" in lines
    assert lines[-5:] == [
        "Đơn vị chưa nộp (0/7):",
        "  (không có)",
        "",
        "Thay đổi so với lần chạy trước:",
        "  - Lần tổng hợp đầu tiên của năm 2022.",
    ]
    pt = (outputs / "units/PT/2022/TRANG-THAI.txt").read_text("utf-8").splitlines()
    assert pt[4] == "Kết quả: HOÀN THÀNH: 0 lỗi, 0 cảnh báo"


def test_a_refused_province_night_is_recorded_with_the_last_complete_run(
    inputs: Path, tmp_path: Path
) -> None:
    """What was seen: a province night refused before it started (its register
    unusable) left a record of a unit's shape and no page at all."""
    outputs = tmp_path / "outputs"
    _, _, written = run_province(inputs, outputs, 2023, now=time.time())
    (inputs / "don-vi.xlsx").write_bytes(b"not a workbook")
    result = CliRunner().invoke(
        app, ["run", "--inputs", str(inputs), "--outputs", str(outputs)]
    )
    assert result.exit_code == 2, result.output
    records = record.read_records(outputs / "2023" / "runs")
    assert [record.state_of(doc) for _, doc in records] == ["completed", "failed"]
    path, refused = records[-1]
    assert path.name.startswith("province-")
    assert refused["before_start"] is True and refused["exit_code"] == 2
    lines = _page(outputs)
    assert lines[0] == "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC TOÀN TỈNH NĂM 2023"
    page = "\n".join(lines)
    error = str(refused["error"])
    assert error.startswith("Danh sách đơn vị “don-vi.xlsx” không dùng được:")
    assert f"\nKết quả: THẤT BẠI: {error}\nLần chạy Prefect: —\n" in page
    lines = lines[lines.index(f"Biên bản lần chạy: runs/{path.name}") - 6 :]
    assert lines[8].startswith("Lần này không tổng hợp: đã dừng trước khi bắt đầu")
    assert lines[10].startswith(
        "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất, lúc "
    )
    assert lines[10].endswith(f"(biên bản runs/{written.manifest.name}).")
    assert lines[12:] == [
        "Đơn vị hoàn thành, không lỗi, đủ bài nộp, theo lần hoàn thành đó (6/7):",
        "  - PT: UBND huyện Phong Thổ",
        "  - TD: UBND huyện Tam Đường",
        "  - SH: UBND huyện Sìn Hồ",
        "  - SNV: Sở Nội vụ",
        "  - STP: Sở Tư pháp",
        "  - STC: Sở Tài chính (số liệu tạm tính)",
        "Đơn vị hoàn thành nhưng có lỗi hoặc thiếu bài nộp, theo lần hoàn thành "
        "đó (0/7):",
        "  (không có)",
        "Đơn vị không tổng hợp được, theo lần hoàn thành đó (0/7):",
        "  (không có)",
        "Đơn vị chưa nộp, theo lần hoàn thành đó (1/7):",
        "  - SYT: Sở Y tế (Đơn vị chưa có thư mục nộp bài năm 2023 "
        f"({inputs / 'units' / 'SYT' / '2023'}).)",
    ]


def test_a_province_run_that_lost_its_server_is_recorded_once(tmp_path: Path) -> None:
    """The failure hook of this process may have recorded the run already: the
    record is not written twice; else it is written, and the page names it."""
    from parindex.province import status

    outputs = tmp_path / "outputs"
    first = status.record_lost_run(outputs, 2023, error="mất kết nối", now=1.0e9)
    again = status.record_lost_run(outputs, 2023, error="mất kết nối", now=1.0e9 + 5)
    assert again == first
    [(path, document)] = record.read_records(outputs / "2023" / "runs")
    assert (path, document["state"]) == (first, "failed")
    lines = _page(outputs)
    assert lines[4:7] == [
        "Kết quả: THẤT BẠI: mất kết nối",
        "Lần chạy Prefect: —",
        f"Biên bản lần chạy: runs/{first.name}",
    ]


def test_a_province_run_that_lost_its_server_names_its_flow_run_and_is_not_swept(
    tmp_path: Path,
) -> None:
    """Blind set B n8/n9: the record named no flow run though its marker did, and
    the marker, left behind, made the next night record the same night again as
    killed (the process had ended itself, exit 3). The record names the flow run,
    is marked for the next contact to settle in Prefect, and the marker goes."""
    from parindex.province import status

    outputs = tmp_path / "outputs"
    (outputs / "2023" / "runs").mkdir(parents=True)
    marker = record.mark_running(outputs, 2023, "flow-run-1", "brave-otter", 1.0e9)
    path = status.record_lost_run(outputs, 2023, error="mất kết nối", now=1.0e9 + 5)
    assert not marker.exists()
    [(found, document)] = record.read_records(outputs / "2023" / "runs")
    assert found == path
    assert (document["state"], document["flow_run_id"]) == ("failed", "flow-run-1")
    assert document["flow_run_name"] == "brave-otter"
    assert document[record.UNSETTLED] is True  # settled once this process is gone
    assert document["pid"] == os.getpid()
    assert "brave-otter" in _page(outputs)[5]
    # the next night's sweep finds no killed run to record
    assert record.markers_of_process(outputs, 2023) == []


def test_a_province_workbook_that_cannot_be_replaced_leaves_both_files_as_they_were(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 18, F1: ``chattr +i tong-hop-tinh-2023.xlsx``: the province
    summary was replaced and the workbook not, the page vouching for both."""
    from parindex.errors import OutputsNotWritable

    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    folder = outputs / "2023"
    before = {
        name: (folder / name).read_bytes()
        for name in ("province-summary-2023.json", "tong-hop-tinh-2023.xlsx")
    }
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()  # tonight's figures differ
    replace = os.replace

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target) == folder / "tong-hop-tinh-2023.xlsx":  # locked in place
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", immutable)
    with pytest.raises(OutputsNotWritable) as raised:
        run_province(inputs, outputs, 2023, now=time.time())
    monkeypatch.undo()
    after = {name: (folder / name).read_bytes() for name in before}
    assert after == before
    assert "tong-hop-tinh-2023.xlsx" in str(raised.value)
    assert not (folder / ".publishing").exists()


def test_a_failure_recorded_with_its_page_locked_is_still_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 18b, F2: the province's page locked, the failure hook raised
    before the run's marker went: the next night found the marker and said the
    night was killed. The record is written, and said written, first."""
    from parindex.errors import OutputsNotWritable
    from parindex.province.status import record_failure

    outputs = tmp_path / "outputs"
    document = record.failure_record(
        year=2023,
        state=record.FAILED,
        error="x",
        flow_run_id="run-1",
        flow_run_name="eager-dove",
        run_at=time.time(),
    )
    replace = os.replace

    def locked(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "TRANG-THAI.txt":
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    seen: list[Path] = []
    with pytest.raises(OutputsNotWritable):
        record_failure(outputs, document, time.time(), recorded=seen.append)
    assert len(seen) == 1 and seen[0].is_file()


def test_a_province_file_locked_after_units_published_names_those_units(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 18b, F2: the province's files could not be replaced once each
    unit's own outputs had been; the failure said only that the last results
    were intact, while SH's own outputs held tonight's. It names the units whose
    outputs changed tonight (SH's figures; PT's and TD's standing in their group,
    shown in their workbooks), and says the province's files do not count them."""
    from parindex import messages
    from parindex.errors import OutputsNotWritable

    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()  # tonight's figures differ
    folder = outputs / "2023"
    replace = os.replace

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target) == folder / "tong-hop-tinh-2023.xlsx":
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", immutable)
    with pytest.raises(OutputsNotWritable) as raised:
        run_province(inputs, outputs, 2023, now=time.time())
    said = messages.PROVINCE_UNITS_PUBLISHED_BEFORE_FAILURE.format(
        count=3, units="PT (units/PT/2023), TD (units/TD/2023), SH (units/SH/2023)"
    )
    assert str(raised.value).endswith(" " + said), str(raised.value)
    assert "tong-hop-tinh-2023.xlsx" in str(raised.value)


def test_a_unit_that_cannot_publish_names_the_units_published_before_it(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit's outputs that cannot be written stop the night: the units
    published before it are named (PT's figures, TD's standing beside PT's), and
    nothing of the province is replaced."""
    from parindex import messages
    from parindex.errors import OutputsNotWritable

    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    before = (outputs / "2023" / "province-summary-2023.json").read_bytes()
    (inputs / "units/PT/2023/phong-noi-vu.xlsx").unlink()
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()
    replace = os.replace

    def locked(source: str | Path, target: str | Path) -> None:
        if "units/SH/2023/scorecard-2023.xlsx" in str(target):
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputsNotWritable) as raised:
        run_province(inputs, outputs, 2023, now=time.time())
    said = messages.PROVINCE_UNITS_PUBLISHED_BEFORE_FAILURE.format(
        count=2, units="PT (units/PT/2023), TD (units/TD/2023)"
    )
    assert str(raised.value).endswith(" " + said), str(raised.value)
    assert "scorecard-2023.xlsx" in str(raised.value)
    after = (outputs / "2023" / "province-summary-2023.json").read_bytes()
    assert after == before


def _unit_page(outputs: Path, code: str) -> str:
    return (outputs / "units" / code / "2023" / "TRANG-THAI.txt").read_text("utf-8")


def _named_record_exists(outputs: Path, code: str) -> bool:
    page = _unit_page(outputs, code)
    line = next(x for x in page.splitlines() if x.startswith("Biên bản lần chạy: "))
    return (outputs / "units" / code / "2023" / line.split(": ", 1)[1]).is_file()


def test_a_unit_whose_outputs_could_not_move_says_so_on_its_page(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 19, A1: SH's ``departments/`` locked, its page was written
    before the move ("HOÀN THÀNH … 75,46", naming a record never written) while
    its scorecard and summary stayed last night's. Its page says the night
    failed, names a record that exists, and the complete run its files are."""
    from parindex.errors import OutputsNotWritable

    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()
    replace = os.replace
    locked = outputs / "units" / "SH" / "2023" / "departments"

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target).parent == locked:
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", immutable)
    with pytest.raises(OutputsNotWritable) as raised:
        run_province(inputs, outputs, 2023, now=time.time())
    monkeypatch.undo()
    page = _unit_page(outputs, "SH")
    assert "Kết quả: THẤT BẠI: " in page, page
    assert str(raised.value).split(" Kết quả riêng")[0] in page
    assert _named_record_exists(outputs, "SH")
    assert "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất" in page


def test_a_unit_that_could_not_be_consolidated_says_so_on_its_page(
    inputs: Path, tmp_path: Path
) -> None:
    """Blind round 19, A6/A7: TD's own criteria set unreadable (failed), SYT's
    year folder gone (missing) on the second night: their own pages still said
    the first night's "HOÀN THÀNH". They say why this night has no result for
    them, and which complete run their files are."""
    outputs = tmp_path / "outputs"
    (inputs / "units/SYT/2023").mkdir()
    shutil.copy(
        inputs / "units/SNV/2023/bang-tu-danh-gia.xlsx", inputs / "units/SYT/2023"
    )
    run_province(inputs, outputs, 2023, now=time.time())
    assert "HOÀN THÀNH" in _unit_page(outputs, "SYT")
    (inputs / "units/TD/criteria").mkdir()
    (inputs / "units/TD/criteria/bo-chi-so.xlsx").write_bytes(b"not a workbook")
    shutil.rmtree(inputs / "units/SYT/2023")
    _, runs, _ = run_province(inputs, outputs, 2023, now=time.time())
    for code in ("TD", "SYT"):
        run = next(r for r in runs if r.unit.code == code)
        page = _unit_page(outputs, code)
        assert f"Kết quả: THẤT BẠI: {run.note}" in page, page
        assert _named_record_exists(outputs, code)
        assert "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất" in page
    assert not (outputs / "units" / "SYT" / "2022").exists()


def test_a_failure_whose_record_cannot_be_written_still_says_so_on_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 19, A5: the province's ``runs/`` locked, the night failed
    with no record, and its page (writable) still said the last night was
    HOÀN THÀNH. The page says the night failed and that its record could not
    be written."""
    from parindex import messages
    from parindex.province.status import record_failure

    outputs = tmp_path / "outputs"
    (outputs / "2023").mkdir(parents=True)
    record.write_status(outputs, 2023, "HOÀN THÀNH (đêm trước)\n")
    document = record.failure_record(
        year=2023,
        state=record.FAILED,
        error="Không ghi được vào thư mục kết quả “runs”: không có quyền ghi.",
        flow_run_id="run-1",
        flow_run_name="eager-dove",
        run_at=time.time(),
    )
    (outputs / "2023" / "runs").write_text("không phải thư mục", "utf-8")
    from parindex.errors import OutputsNotWritable

    with pytest.raises(OutputsNotWritable) as raised:
        record_failure(outputs, document, time.time())
    page = _page(outputs)
    assert page[4] == f"Kết quả: THẤT BẠI: {document['error']}"
    assert page[6] == "Biên bản lần chạy: " + messages.RECORD_NOT_WRITTEN.format(
        reason=raised.value
    )


def test_a_failed_page_names_the_units_whose_outputs_are_newer_than_the_provinces(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blind round 19, A3: the province's workbook locked, SH changed: the first
    failing night named the units it had written; the next one (nothing new for
    the units) said only that the last results were intact, while SH's own
    summary disagreed with the province's. Every failed page names the units
    whose own outputs are newer than the province's last complete run."""
    from parindex import messages
    from parindex.errors import OutputsNotWritable
    from parindex.province.status import record_failure

    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    (inputs / "units/SH/2023/phong-noi-vu.xlsx").unlink()
    replace = os.replace
    workbook = outputs / "2023" / "tong-hop-tinh-2023.xlsx"

    def immutable(source: str | Path, target: str | Path) -> None:
        if Path(target) == workbook:
            raise PermissionError(1, "Operation not permitted", str(target))
        replace(source, target)

    monkeypatch.setattr(os, "replace", immutable)
    for _ in range(2):  # the night that wrote the units, then one with nothing new
        with pytest.raises(OutputsNotWritable) as raised:
            run_province(inputs, outputs, 2023, now=time.time())
        document = record.failure_record(
            year=2023,
            state=record.FAILED,
            error=str(raised.value),
            flow_run_id=None,
            flow_run_name=None,
            run_at=time.time(),
        )
        monkeypatch.undo()
        record_failure(outputs, document, time.time())
        monkeypatch.setattr(os, "replace", immutable)
        said = messages.PROVINCE_UNITS_AHEAD.format(
            count=3, units="PT (units/PT/2023), TD (units/TD/2023), SH (units/SH/2023)"
        )
        assert said in _page(outputs), "\n".join(_page(outputs))


def test_a_unit_whose_figures_are_provisional_is_said_so_among_the_clean(
    inputs: Path, tmp_path: Path
) -> None:
    """A unit with every department submitted and no error, but a criterion
    scored only by its department's self score (its figures ``tạm tính``), was
    listed among the clean ones as if its figures were final (blind round 19)."""
    set_appraisal(inputs / "units/PT/2023/phong-noi-vu.xlsx", "1.1", None)
    outputs = tmp_path / "outputs"
    _, runs, written = run_province(inputs, outputs, 2023, now=time.time())
    assert {r.unit.code: r.status for r in runs}["PT"] == "provisional"
    lines = _page(outputs)
    clean = lines.index("Đơn vị hoàn thành, không lỗi, đủ bài nộp (6/7):")
    assert lines[clean + 1 : clean + 7] == [
        "  - PT: UBND huyện Phong Thổ (số liệu tạm tính)",
        "  - TD: UBND huyện Tam Đường",
        "  - SH: UBND huyện Sìn Hồ",
        "  - SNV: Sở Nội vụ",
        "  - STP: Sở Tư pháp",
        "  - STC: Sở Tài chính (số liệu tạm tính)",
    ]
    document = json.loads(written.manifest.read_text("utf-8"))
    assert {u["code"]: u.get("provisional") for u in document["units"]}["PT"] is True


def test_a_unit_gone_from_the_register_keeps_its_outputs_and_the_page_says_so(
    inputs: Path, tmp_path: Path
) -> None:
    """A unit taken out of ``don-vi.xlsx`` keeps last night's outputs under
    ``units/<Mã>/`` (never deleted), neither updated nor ranked; the province's
    page said nothing of them (P8, blind round 17)."""
    outputs = tmp_path / "outputs"
    run_province(inputs, outputs, 2023, now=time.time())
    book = openpyxl.load_workbook(inputs / "don-vi.xlsx")
    sheet = book["Đơn vị"]
    row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "STC")
    sheet.delete_rows(row)
    book.save(inputs / "don-vi.xlsx")
    run_province(inputs, outputs, 2023, now=time.time() + 10)
    assert (outputs / "units/STC/2023/summary-2023.json").is_file()
    lines = _page(outputs)
    gone = lines.index(
        "Thư mục kết quả của đơn vị không còn trong danh sách đơn vị (giữ nguyên "
        "như lần chạy cuối của đơn vị, không cập nhật, không xếp hạng) (1):"
    )
    assert lines[gone + 1] == "  - units/STC/2023"
    # its drop folder, no one's now, among the province's own problems
    own = lines.index("Cần xem ở các tệp của tỉnh:")
    assert lines[
        own + 1
    ] == "  - “units/STC”: " + messages.PROVINCE_UNREGISTERED_FOLDER.format(
        folder="STC"
    )
    assert lines[-1] == (
        "  - Sở Tài chính (STC): không còn trong danh sách đơn vị (trước: tạm tính, "
        "94,2 điểm)."
    )


ENCRYPTED = (
    Path(__file__).resolve().parent.parent
    / "ingest/fixtures/corpus/encrypted-xlsx/phong-noi-vu.xlsx"
)


def test_a_unit_whose_every_file_is_unusable_is_not_called_not_submitted(
    inputs: Path, tmp_path: Path
) -> None:
    """A unit that sent a file none of which can be used (here: a password) did
    submit: it was listed "chưa nộp" on the province's page, in its ranking
    (`Trạng thái`), in the group's sentence and in the JSON's `missing_units`
    (blind round 20). It is an error for the Sở to follow up, as a district's
    department with only an unusable file is."""
    for old in (inputs / "units/SNV/2023").iterdir():
        old.unlink()
    shutil.copyfile(ENCRYPTED, inputs / "units/SNV/2023/so-noi-vu.xlsx")
    outputs = tmp_path / "outputs"
    result, runs, written = run_province(inputs, outputs, 2023, now=time.time())
    assert {r.unit.code: r.status for r in runs}["SNV"] == "unusable"
    lines = _page(outputs)
    assert lines[4] == (
        "Kết quả: HOÀN THÀNH, CÓ ĐƠN VỊ CÓ LỖI HOẶC THIẾU BÀI NỘP, CÓ ĐƠN VỊ CHƯA "
        "NỘP: 7 đơn vị: 5 hoàn thành, 1 có lỗi hoặc thiếu bài nộp, 0 không tổng "
        "hợp được, 1 chưa nộp"
    )
    partial = lines.index("Đơn vị hoàn thành nhưng có lỗi hoặc thiếu bài nộp (1/7):")
    assert lines[partial + 1] == (
        "  - SNV: Sở Nội vụ (HOÀN THÀNH, CÓ LỖI: 1 lỗi, 1 cảnh báo; 1 đơn vị đã "
        "nộp nhưng tệp không dùng được (Sở Nội vụ))"
    )
    missing = lines.index("Đơn vị chưa nộp (1/7):")
    assert lines[missing + 1].startswith("  - SYT: Sở Y tế (")
    document = json.loads(written.manifest.read_text("utf-8"))
    assert {u["code"]: u["result"] for u in document["units"]}["SNV"] == "partial"
    assert result.missing_units == ("SYT",)
    summary = json.loads(
        (outputs / "2023/province-summary-2023.json").read_text("utf-8")
    )
    assert summary["missing_units"] == ["SYT"]
    assert summary["unusable_units"] == ["SNV"]
    snv = next(u for g in summary["groups"] for u in g["units"] if u["code"] == "SNV")
    assert (snv["status"], snv["total"], snv["rank"]) == ("unusable", None, None)
    book = openpyxl.load_workbook(outputs / "2023/tong-hop-tinh-2023.xlsx")
    cells = [
        [c for c in row if c is not None]
        for row in book["Sở, ban, ngành"].iter_rows(values_only=True)
    ]
    snv_row = next(row for row in cells if "SNV" in row)
    assert "đã nộp, tệp không dùng được" in snv_row
    assert "chưa nộp" not in snv_row
    assert cells[1] == [
        "2/4 đơn vị có kết quả; cao nhất 94,2, thấp nhất 92,7, trung bình 93,45 "
        "điểm; 1 đơn vị chưa nộp; 1 đơn vị đã nộp nhưng không có tệp dùng được."
    ]
    listed = [
        [c for c in row if c is not None]
        for row in book["Chưa nộp"].iter_rows(values_only=True)
    ]
    assert listed[0] == ["Các đơn vị chưa nộp hoặc không có tệp dùng được năm 2023"]
    assert listed[3] == [
        "Sở, ban, ngành",
        "SNV",
        "Sở Nội vụ",
        "đã nộp, tệp không dùng được",
        "Đơn vị đã nộp nhưng không có tệp nào dùng được năm 2023: "
        "“2023/so-noi-vu.xlsx” (Tệp được đặt mật khẩu: hãy bỏ mật khẩu (Excel: Tệp "
        "→ Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu rồi "
        "lưu) rồi nộp lại.)",
    ]
    assert listed[4][:4] == ["Sở, ban, ngành", "SYT", "Sở Y tế", "chưa nộp"]


def test_a_ranked_unit_with_criteria_unscored_says_so_beside_its_figures(
    inputs: Path, tmp_path: Path
) -> None:
    """PT without its Tư pháp form: its 8 criteria count 0, its total falls to
    71,19 and its row showed "−0,91" and its rank without a word that the sum
    is short (blind round 20, left: "a province's change columns do not say
    that criteria were not scored")."""
    (inputs / "units/PT/2023/phong-tu-phap.xlsx").unlink()
    outputs = tmp_path / "outputs"
    result, runs, _ = run_province(inputs, outputs, 2023, now=time.time())
    pt = next(r for r in runs if r.unit.code == "PT")
    assert pt.result is not None
    assert pt.result.current.coverage == (66, 74)
    row = result.unit_row("PT")
    assert row is not None
    assert (row["total"], row["total_change"]) == (71.19, pytest.approx(-0.91))
    assert row["note"] == (
        "Còn 8/74 tiêu chí chưa có điểm (tính 0 điểm): tổng điểm, xếp hạng và "
        "mức tăng/giảm chưa đủ các tiêu chí."
    )
    book = openpyxl.load_workbook(outputs / "2023/tong-hop-tinh-2023.xlsx")
    cells = [
        [c for c in line if c is not None]
        for line in book["UBND cấp huyện"].iter_rows(values_only=True)
    ]
    pt_row = next(line for line in cells if "PT" in line)
    assert pt_row[-1] == row["note"]
    # a unit with every criterion scored has no such note
    assert result.unit_row("TD")["note"] is None  # type: ignore[index]


def _notes(result: object) -> dict[str, str | None]:
    return {
        row["code"]: row["note"]
        for row in result.units.iter_rows(named=True)  # type: ignore[attr-defined]
    }


def test_a_unit_with_a_file_unusable_and_one_waiting_names_both(
    inputs: Path, tmp_path: Path
) -> None:
    """TD: one corrupt file and one still being written. It was listed "chưa
    nộp" naming only the waiting file: the corrupt one was said nowhere in the
    province's outputs (blind round 21b, finding 1)."""
    folder = inputs / "units/SNV/2023"
    for old in folder.iterdir():
        old.unlink()
    (folder / "so-noi-vu-cu.xlsx").write_bytes(b"not a workbook")
    os.utime(folder / "so-noi-vu-cu.xlsx", (time.time() - 3600,) * 2)
    shutil.copyfile(ENCRYPTED, folder / "so-noi-vu.xlsx")  # being written: waits
    outputs = tmp_path / "outputs"
    result, runs, _ = run_province(
        inputs, outputs, 2023, now=time.time(), settle_seconds=600
    )
    snv = next(r for r in runs if r.unit.code == "SNV")
    assert snv.status == "missing"  # its file may come: it waits
    assert _notes(result)["SNV"] == (
        "Đơn vị không có tệp chấm điểm nào dùng được năm 2023: có tệp vừa được "
        "sửa, có thể đang được ghi, để lại cho lần chạy sau (“2023/so-noi-vu.xlsx”)."
        " Tệp đã nộp nhưng không dùng được: “2023/so-noi-vu-cu.xlsx” ("
        + NOT_A_WORKBOOK
        + ")"
    )


def test_a_unit_with_only_an_attachment_says_what_it_sent(
    inputs: Path, tmp_path: Path
) -> None:
    """A unit whose folder holds only a PDF was "chưa nộp" with no word of the
    PDF (blind round 21b, finding 8)."""
    folder = inputs / "units/SNV/2023"
    for old in folder.iterdir():
        old.unlink()
    (folder / "bang-diem-scan.pdf").write_bytes(b"%PDF-1.4\n")
    outputs = tmp_path / "outputs"
    result, runs, _ = run_province(inputs, outputs, 2023, now=time.time())
    assert next(r for r in runs if r.unit.code == "SNV").status == "missing"
    assert _notes(result)["SNV"] == (
        "Đơn vị không có tệp chấm điểm nào dùng được năm 2023. Thư mục chỉ có: "
        "“2023/bang-diem-scan.pdf” (Tài liệu kèm theo (không phải bảng tính): được "
        "lưu trữ, không đọc điểm.)"
    )
