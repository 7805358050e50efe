"""``parindex check`` on a form inside a province folder (blind round 17, P5):
the criteria set is the one the nightly run gives the form's unit (its group's,
or the unit's own), not the newest workbook of the province's ``criteria/``
(a district's form was checked against the sở set), nor the ``--inputs``
folder's when the form lies in a province elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from parindex import messages
from parindex.check import check_files
from tests.province.conftest import PROVINCE_INPUTS


def test_a_form_is_checked_against_its_units_set(tmp_path: Path) -> None:
    province = tmp_path / "province"
    shutil.copytree(PROVINCE_INPUTS, province)
    district = sorted((province / "units" / "PT" / "2023").glob("*.xlsx"))
    so = sorted((province / "units" / "STC" / "2023").glob("*.xlsx"))
    assert district and so
    for files in (district, so):
        problems = check_files(files, province)
        assert problems.filter(problems["severity"] == "error").height == 0, (
            problems.select("file", "message").rows()
        )
        # the --inputs folder is another unit's (a district): the province holds
        # the form, and says which set
        elsewhere = check_files(files, tmp_path / "nowhere")
        assert elsewhere.filter(elsewhere["severity"] == "error").height == 0


def test_a_form_in_a_folder_no_unit_is_registered_for_says_so(tmp_path: Path) -> None:
    """A folder of ``units/`` that ``don-vi.xlsx`` does not register is not
    consolidated by the night: checking a form there with the province's newest
    set must say both (never a quiet fallback)."""
    province = tmp_path / "province"
    shutil.copytree(PROVINCE_INPUTS, province)
    shutil.copytree(province / "units" / "PT", province / "units" / "X99")
    form = sorted((province / "units" / "X99" / "2023").glob("*.xlsx"))[0]
    problems = check_files([form], province)
    warnings = problems.filter(problems["severity"] == "warning")
    said = messages.CHECK_UNREGISTERED_UNIT_FOLDER.format(
        folder="X99", criteria="criteria/so-ban-nganh-2022.xlsx"
    )
    assert (str(form), said) in warnings.select("file", "message").rows()


def test_a_form_outside_the_province_given_as_inputs_says_which_set(
    tmp_path: Path,
) -> None:
    """Blind round 19, A8: ``check --inputs <province> loose/form.xlsx`` checked a
    district's form against the sở set (the newest of the province's
    ``criteria/``) without a word: 33 errors on a valid form."""
    province = tmp_path / "province"
    shutil.copytree(PROVINCE_INPUTS, province)
    loose = tmp_path / "loose"
    loose.mkdir()
    form = loose / "phong-noi-vu.xlsx"
    shutil.copy(province / "units" / "PT" / "2023" / "phong-noi-vu.xlsx", form)
    problems = check_files([form], province)
    said = messages.CHECK_PROVINCE_SET_GUESSED.format(
        inputs=province, criteria="criteria/so-ban-nganh-2022.xlsx"
    )
    warnings = problems.filter(problems["severity"] == "warning")
    assert (str(form), said) in warnings.select("file", "message").rows()


def test_a_form_outside_its_units_year_folders_is_said_not_read(
    tmp_path: Path,
) -> None:
    """Blind round 19, A9: ``check units/SNV/bang-tu-danh-gia.xlsx`` (beside the
    year folders) said "Không có vấn đề nào", while the night does not read it."""
    province = tmp_path / "province"
    shutil.copytree(PROVINCE_INPUTS, province)
    form = province / "units" / "SNV" / "bang-tu-danh-gia.xlsx"
    shutil.copy(province / "units" / "SNV" / "2023" / "bang-tu-danh-gia.xlsx", form)
    problems = check_files([form], province)
    said = messages.FILE_OUTSIDE_YEAR_FOLDERS.format(
        file="bang-tu-danh-gia.xlsx", where=messages.WHERE_INPUTS_ROOT, year=2023
    )
    warnings = problems.filter(problems["severity"] == "warning")
    assert (str(form), said) in warnings.select("file", "message").rows()
