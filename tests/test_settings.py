"""The unit settings file (inputs/don-vi.toml): the report's header block."""

from __future__ import annotations

from pathlib import Path

from parindex.settings import SETTINGS_FILE, UnitSettings, read_unit_settings

SAMPLE = Path(__file__).resolve().parent.parent / "inputs" / SETTINGS_FILE


def test_the_sample_ships_phong_tho() -> None:
    settings, problems = read_unit_settings(SAMPLE)
    assert problems.height == 0
    assert settings.configured
    assert (settings.unit, settings.office, settings.office_code) == (
        "UBND huyện Phong Thổ",
        "Phòng Nội vụ",
        "NV",
    )
    assert (settings.place, settings.province) == ("Phong Thổ", "Lai Châu")
    assert settings.governing_body == "UBND HUYỆN PHONG THỔ"
    assert settings.recipients[0] == "Chủ tịch, các PCT UBND huyện;"


def test_absent_gives_placeholders(tmp_path: Path) -> None:
    settings, problems = read_unit_settings(tmp_path / SETTINGS_FILE)
    assert settings == UnitSettings()
    assert not settings.configured
    assert (settings.unit, settings.office, settings.place) == (
        "[Tên đơn vị]",
        "[Cơ quan báo cáo]",
        "……",
    )
    assert problems.height == 0


def test_unreadable_file_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / SETTINGS_FILE
    path.write_text('unit = "UBND xã A\n', "utf-8")
    settings, problems = read_unit_settings(path)
    assert settings == UnitSettings()
    assert problems["severity"].to_list() == ["warning"]
    assert problems["file"].to_list() == [SETTINGS_FILE]
    message = problems["message"][0]
    assert message.startswith("Không đọc được tệp thông tin đơn vị (")
    assert message.endswith("): báo cáo dùng chỗ trống để điền.")


def test_wrong_values_and_unknown_keys_are_said(tmp_path: Path) -> None:
    path = tmp_path / SETTINGS_FILE
    path.write_text(
        'unit = "UBND xã  Mường So"\noffice = 3\nrecipients = "Lưu"\nsigner = "A"\n',
        "utf-8",
    )
    settings, problems = read_unit_settings(path)
    assert settings.unit == "UBND xã Mường So"  # spaces tidied
    assert settings.office == "[Cơ quan báo cáo]"
    assert settings.recipients == ()
    assert problems["message"].to_list() == [
        "Mục “office” của tệp thông tin đơn vị phải là một dòng chữ: báo cáo dùng "
        "chỗ trống để điền.",
        "Mục “recipients” của tệp thông tin đơn vị phải là một danh sách chữ: báo "
        "cáo dùng chỗ trống để điền.",
        "Tệp thông tin đơn vị có mục “signer” không dùng đến: bỏ qua. Có phải "
        "là mục “signer_name”?",
    ]


def test_a_misspelt_key_is_named_with_the_key_it_may_be(tmp_path: Path) -> None:
    """A province's `provinc = "Lai Châu"` was said only "bỏ qua", its sở then
    placed nowhere (blind re-check 24C)."""
    path = tmp_path / SETTINGS_FILE
    path.write_text('provinc = "Lai Châu"\nzzz = "x"\n', "utf-8")
    _, problems = read_unit_settings(path)
    assert problems["message"].to_list() == [
        "Tệp thông tin đơn vị có mục “provinc” không dùng đến: bỏ qua. Có phải là "
        "mục “province”?",
        "Tệp thông tin đơn vị có mục “zzz” không dùng đến: bỏ qua.",
    ]


def test_a_toml_mistake_is_said_in_vietnamese_with_its_place(tmp_path: Path) -> None:
    """The reason was tomllib's English ("Cannot overwrite a value (at line 2,
    column 15)", blind re-check 22A, N6)."""
    path = tmp_path / SETTINGS_FILE
    path.write_text('unit = "A"\nunit = "B"\n', "utf-8")
    _, problems = read_unit_settings(path)
    assert problems["message"].to_list() == [
        "Không đọc được tệp thông tin đơn vị (sai cú pháp TOML ở dòng 2, cột 11): "
        "báo cáo dùng chỗ trống để điền."
    ]
    path.write_bytes(b'unit = "UBND x\xe3 T\xe2n"\n')  # saved as Windows-1258
    _, problems = read_unit_settings(path)
    assert problems["message"].to_list() == [
        "Không đọc được tệp thông tin đơn vị (tệp không được lưu theo mã UTF-8: hãy "
        "lưu lại với mã UTF-8): báo cáo dùng chỗ trống để điền."
    ]
