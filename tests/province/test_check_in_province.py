"""``parindex check`` on a form inside a province folder (blind round 17, P5):
the criteria set is the one the nightly run gives the form's unit (its group's,
or the unit's own), not the newest workbook of the province's ``criteria/``
(a district's form was checked against the sở set), nor the ``--inputs``
folder's when the form lies in a province elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

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
