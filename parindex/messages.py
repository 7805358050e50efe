"""Every sentence parindex says to a user, in Vietnamese, in one place.

Tests, the ``check`` command, the ``Kiểm tra`` sheet and the JSON summary all take their
text from here. The sentences built from a result's figures (the report, the Markdown
summary, the scorecard's lines) are in one place of their own: ``parindex.render.prose``. Templates use ``str.format`` fields; numbers are passed already
formatted with a decimal comma (``parindex.text.format_vn``).
"""

from __future__ import annotations

import errno
import signal

# --- criteria set (the run stops, exit status 2) ---------------------------------
CRITERIA_UNUSABLE = "Bộ chỉ số “{file}” không dùng được:"
CRITERIA_NO_SHEET = (
    "không tìm thấy bảng tiêu chí: cần một dòng tiêu đề có cột “Mã” "
    "trong 30 dòng đầu của sheet “Tiêu chí”."
)
CRITERIA_NO_YEAR = "thiếu dòng “Áp dụng từ năm: …” phía trên bảng tiêu chí."
CRITERIA_BAD_YEAR = "“Áp dụng từ năm” phải là một năm, không phải “{value}”."
CRITERIA_MISSING_COLUMN = "bảng tiêu chí thiếu cột “{column}”."
CRITERIA_NO_DEPARTMENTS = (
    "không tìm thấy sheet “Đơn vị” với cột “Mã đơn vị” và “Tên đơn vị”."
)
CRITERIA_NO_DEPARTMENTS_COLUMN = (
    "Sheet “Đơn vị” liệt kê {count} đơn vị nhưng sheet “{sheet}” không có cột "
    "“Đơn vị chủ trì” (dòng tiêu đề {row}: {header}): hãy đặt tên cột ghi đơn vị "
    "chủ trì là “Đơn vị chủ trì”. Nếu đơn vị tự chấm toàn bộ bộ chỉ số, hãy xóa "
    "sheet “Đơn vị”."
)
CRITERIA_DEPARTMENTS_ONLY_ABOVE = (
    "Cột “Đơn vị chủ trì” chỉ ghi ở dòng không phải tiêu chí lá (ô {cells}), các "
    "tiêu chí lá để trống: hãy ghi đơn vị chủ trì cho từng tiêu chí lá (có thể gộp "
    "ô cho cả khối tiêu chí)."
)
CRITERIA_DEPARTMENTS_EMPTY = (
    "Cột “Đơn vị chủ trì” (cột {column}) để trống ở mọi tiêu chí nhưng sheet “Đơn "
    "vị” liệt kê {count} đơn vị: hãy ghi đơn vị chủ trì cho từng tiêu chí lá. Nếu "
    "đơn vị tự chấm toàn bộ bộ chỉ số, hãy xóa sheet “Đơn vị”."
)
CRITERIA_ASSIGNMENT_COLUMN = (
    "Bộ chỉ số không có cột “Đơn vị chủ trì” nhưng cột {column} (“{header}”) ghi "
    "ở các tiêu chí {values} như đơn vị chủ trì: nếu đúng, hãy đặt tên cột là "
    "“Đơn vị chủ trì” và liệt kê các đơn vị ở sheet “Đơn vị” (Mã đơn vị, Tên đơn "
    "vị); nếu đơn vị tự chấm toàn bộ bộ chỉ số, hãy xóa cột này."
)
CRITERIA_TWIN_COLUMNS = (
    "hai cột cùng tên “{name}” (cột {columns}, dòng tiêu đề {row}) ghi khác nhau: "
    "hãy xóa hoặc ẩn cột không dùng (một cột ẩn thì cột đang hiện được dùng)."
)
CRITERIA_NAME_WITHOUT_CODE = (
    "dòng {line} có nội dung “{name}” nhưng không có mã tiêu chí: nếu là phần tiếp "
    "theo của tên tiêu chí ở dòng trên, hãy ghi vào ô tên của tiêu chí đó; nếu là "
    "ghi chú, hãy để dưới bảng hoặc xóa dòng này."
)
CRITERIA_TOO_LARGE = "bảng quá lớn: chỉ đọc được {rows} dòng và {columns} cột đầu tiên của sheet “{sheet}”."
CRITERIA_EMPTY = "bảng tiêu chí không có tiêu chí nào."
CRITERIA_UNREADABLE = "không đọc được tệp ({reason})."
CRITERIA_MESSAGES: dict[str, str] = {
    "code_valid": "“{raw_code}” không phải là mã tiêu chí hợp lệ (ví dụ 1, 1.2, 1.2.1).",
    "code_unique": "mã tiêu chí {code} bị lặp lại.",
    "parent_exists": "mã tiêu chí {code} không có tiêu chí cha {parent} trong bộ chỉ số.",
    "max_is_number": (
        "điểm tối đa của tiêu chí {code} không phải là số không âm đến 1.000.000 "
        "(“{raw_max}”)."
    ),
    "max_uncalculated": (
        "điểm tối đa của tiêu chí {code} là công thức chưa có giá trị tính sẵn (tệp "
        "được tạo bằng chương trình và chưa mở bằng Excel): hãy mở tệp bằng Excel "
        "hoặc LibreOffice, lưu lại rồi chạy lại."
    ),
    "max_is_sum_of_children": (
        "điểm tối đa của tiêu chí {code} là {max} nhưng tổng điểm tối đa của "
        "các tiêu chí con là {children_max}."
    ),
    "leaf_has_group": (
        "tiêu chí {code} chưa có nhóm điểm (Thẩm định, Điều tra XHH, "
        "Tác động KT-XH hoặc SIPAS)."
    ),
    "group_known": (
        "nhóm điểm “{group}” của tiêu chí {code} không hợp lệ (chỉ nhận Thẩm định, "
        "Điều tra XHH, Tác động KT-XH hoặc SIPAS)."
    ),
    "leaf_has_departments": (
        "tiêu chí {code} chưa có đơn vị chủ trì (ghi mã đơn vị như trong sheet "
        "“Đơn vị”; nhiều đơn vị thì cách nhau bằng dấu “;”)."
    ),
    "departments_known": (
        "tiêu chí {code} ghi đơn vị chủ trì “{unknown_departments}”: không phải "
        "mã, tên hay tên khác của đơn vị nào trong sheet “Đơn vị” (nhiều đơn vị "
        "thì cách nhau bằng dấu “;”)."
    ),
    "departments_unambiguous": (
        "tiêu chí {code} ghi đơn vị chủ trì {ambiguous_departments}: tên này là "
        "của nhiều đơn vị trong sheet “Đơn vị”, hãy ghi mã đơn vị."
    ),
}
# a duplicate code whose cell holds a number (``code_unique``'s line for it)
CRITERIA_CODE_UNIQUE_NUMBER = (
    "mã tiêu chí {code} bị lặp lại; ô này lưu mã dưới dạng số nên có thể là "
    "{alternative} (Excel đổi mã như 8.10 nhập dạng số thành 8.1). Hãy định dạng "
    "cột mã là văn bản (Text) rồi gõ lại mã."
)
# a missing parent (8.10) that a cell holding a number (8.1) may be
CRITERIA_PARENT_AS_NUMBER = (
    "mã tiêu chí {code} không có tiêu chí cha {parent} trong bộ chỉ số; ô {cell} "
    "lưu mã dưới dạng số {short}, có thể chính là {parent} (Excel đổi mã như 8.10 "
    "nhập dạng số thành 8.1). Hãy định dạng cột mã là văn bản (Text) rồi gõ lại mã."
)
# the row of the table's total (no code, named Tổng cộng, Tổng số, Tổng điểm, Cộng)
CRITERIA_TOTAL_DIFFERS = (
    "dòng “{name}” ghi tổng điểm tối đa {stated} nhưng tổng điểm tối đa của các "
    "chỉ số thành phần là {computed}."
)
CRITERIA_SUBTOTAL_DIFFERS = (
    "dòng “{name}” ghi {stated} nhưng tổng điểm tối đa của các chỉ số thành phần "
    "phía trên nó (từ dòng tổng trước) là {part}, của cả bảng là {computed}."
)
CRITERIA_TOTAL_NOT_NUMBER = (
    "tổng điểm tối đa ở dòng “{name}” không phải là số (“{raw}”)."
)
CRITERIA_AFTER_TOTAL = (
    "mã tiêu chí {code} nằm sau dòng tổng “{name}” (dòng {row}): dòng tổng phải là "
    "dòng cuối của bảng tiêu chí, các tiêu chí ghi phía trên nó."
)
NO_CRITERIA_FOLDER = "Không có thư mục bộ chỉ số “{folder}”."
NO_CRITERIA_FOR_YEAR = (
    "Không có bộ chỉ số nào áp dụng cho năm {year} trong “{folder}” "
    "(các bộ chỉ số hiện có áp dụng từ năm: {years})."
)
NO_YEAR_FOLDER = "Không có thư mục nộp bài của năm {year}: “{folder}”."
CRITERIA_SET_OTHER_THAN_PREVIOUS = (
    "Năm {year} đọc theo bộ chỉ số trong tệp “{file}”, năm {previous_year} theo tệp "
    "“{previous_file}”: mỗi tiêu chí được so sánh với tiêu chí năm trước cùng mã và "
    "cùng tên, hoặc cùng tên nếu bộ chỉ số đánh số lại (các cảnh báo sau nêu những "
    "tiêu chí đánh số lại, không so sánh được hay khác điểm tối đa). Nếu năm {year} "
    "không đổi bộ chỉ số, hãy bỏ tệp thừa khỏi thư mục “criteria”."
)
DEPARTMENTS_MERGED_NOT_COMPARED = (
    "{name} ghi tên của nhiều đơn vị năm {previous_year} là tên khác ({olds}): đơn vị "
    "được hợp nhất nên không so sánh với năm {previous_year} (từng tiêu chí vẫn được "
    "so sánh)."
)
DEPARTMENT_SPLIT_NOT_COMPARED = (
    "{old} năm {previous_year} được nhiều đơn vị năm nay ghi là tên khác ({heirs}): "
    "không rõ đơn vị nào kế tục nên các đơn vị này không được so sánh với năm "
    "{previous_year} (từng tiêu chí vẫn được so sánh)."
)
DEPARTMENTS_RENAMED_COMPARED = (
    "Năm {year} so sánh với năm {previous_year} theo tên cũ của phòng, ban (tên "
    "khác ghi trong bộ chỉ số năm {year}): {departments}."
)
CRITERIA_MATCHED_BY_NAME = (
    "Bộ chỉ số năm {year} đánh số khác năm {previous_year}: các tiêu chí sau được so "
    "sánh với tiêu chí cùng tên năm {previous_year}: {codes}."
)
CRITERIA_CODE_OTHER_NAME = (
    "Không so sánh với năm {previous_year} các tiêu chí có cùng mã nhưng khác tên "
    "(không phải cùng một tiêu chí) và không có đúng một tiêu chí cùng tên năm "
    "{previous_year}: {codes}."
)
CRITERIA_OTHER_KIND = (
    "Không so sánh với năm {previous_year} các tiêu chí sau: cùng mã, cùng tên "
    "nhưng một năm là tiêu chí được chấm điểm, năm kia là nhóm gồm các tiêu chí "
    "con: {codes}."
)
CRITERIA_OTHER_PARENT = (
    "Không so sánh với năm {previous_year} các tiêu chí sau: cùng mã, cùng tên "
    "nhưng năm {previous_year} thuộc chỉ số thành phần (hoặc tiêu chí cha) khác, "
    "đã được so sánh với một mục khác năm nay: {codes}."
)
CRITERIA_NAME_SHARED = (
    "Không so sánh với năm {previous_year} các tiêu chí mới sau vì có nhiều tiêu "
    "chí cùng tên (năm {previous_year} hoặc năm {year}), không biết so với tiêu "
    "chí nào: {codes}."
)
CRITERIA_REWORDED_COMPARED = (
    "Các tiêu chí sau cùng mã nhưng tên năm {year} sửa khác năm {previous_year}, "
    "vẫn được so sánh như cùng một tiêu chí: {codes}. Nếu không phải cùng một tiêu "
    "chí, đừng dựa vào phần so sánh của chúng."
)
MAXIMUM_CHANGED = (
    "Có tiêu chí có điểm tối đa năm {year} khác năm {previous_year}, so sánh hai "
    "năm là so sánh điểm số trên hai thang điểm: {codes}."
)
PREVIOUS_YEAR_NOT_CONSOLIDATED = (
    "Thư mục năm {year} (năm trước) không được tổng hợp để so sánh: {reason} So sánh "
    "với năm {year} chỉ dùng kết quả công bố (history.xlsx) nếu có, không so sánh "
    "được từng tiêu chí."
)
NO_YEAR_FOLDERS = "Không có thư mục năm nào (ví dụ “2023”) trong “{folder}”."
YEAR_FOLDER_EMPTY = (
    "Thư mục năm {year} (“{year}”) chưa có tệp nào: năm {year} chưa được tổng hợp. "
    "Lần chạy không ghi năm tổng hợp năm mới nhất có tệp; khi năm {year} có bài "
    "nộp, lần chạy tự chuyển sang năm {year}."
)

# --- submissions: the whole file is set aside -------------------------------------
FILE_EMPTY = "Tệp rỗng (0 byte), không có gì để đọc."
FILE_UNREADABLE = (
    "Không đọc được tệp: tệp bị hỏng hoặc không phải bảng tính "
    "(.xlsx, .xlsm, .xls, .ods)."
)
FILE_ENCRYPTED = (
    "Tệp được đặt mật khẩu: hãy bỏ mật khẩu (Excel: Tệp → Thông tin → Bảo vệ sổ "
    "làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu rồi lưu) rồi nộp lại."
)
FILE_NO_TABLE = (
    "Không tìm thấy bảng chấm điểm: không sheet nào có dòng tiêu đề với cột "
    "“Mã tiêu chí” trong 30 dòng đầu."
)
FILE_NO_SCORE_COLUMN = (
    "Bảng chấm điểm không có cột “Điểm tự đánh giá” hoặc “Điểm thẩm định”."
)
FILE_UNKNOWN_DEPARTMENT = (
    "Không xác định được đơn vị nộp: “{text}” không khớp với mã, tên hay tên khác "
    "của đơn vị nào trong bộ chỉ số."
)
DEPARTMENT_LINE_SEVERAL = (
    "Dòng “Đơn vị” ghi “{text}”, nêu nhiều đơn vị ({names}): không biết biểu này "
    "của đơn vị nào, nên không dùng. Mỗi đơn vị nộp biểu riêng, dòng “Đơn vị” ghi "
    "một đơn vị."
)
UNKNOWN_DEPARTMENT_CLOSEST = (
    " Có phải {name} ({code})? Nếu đúng, hãy ghi “Đơn vị: {name}”."
)
UNKNOWN_DEPARTMENT_NAMES = " Các đơn vị của bộ chỉ số: {names}."
UNKNOWN_DEPARTMENT_MANY = (
    " Bộ chỉ số có {count} đơn vị, liệt kê ở sheet “Đơn vị” của tệp bộ chỉ số."
)
FILE_NO_DEPARTMENT = (
    "Không xác định được đơn vị nộp: thiếu dòng “Đơn vị: …” và tên tệp không khớp "
    "với đơn vị nào trong bộ chỉ số."
)
FILE_BAD_YEAR = "Dòng “Năm” phải là một năm, không phải “{value}”."
FILE_YEAR_MISMATCH = (
    "Tệp ghi năm {file_year} nhưng nằm trong thư mục năm {year}: không dùng. Nếu là "
    "bài nộp năm {year}, hãy điền mẫu năm {year} (dòng “Năm: {year}”) rồi nộp lại; "
    "nếu là tệp năm {file_year}, hãy chuyển sang thư mục {file_year}."
)
CHECK_OTHER_YEAR = (
    "Tệp ghi năm {file_year} nên được kiểm tra theo năm {file_year}, còn năm đang "
    "tổng hợp là {current}: đặt vào thư mục {current}, tệp này sẽ không được dùng. "
    "Nếu là bài nộp năm {current}, hãy điền mẫu năm {current} (parindex template "
    "--year {current})."
)
"""``check`` of a file outside the year folders whose ``Năm`` line is another
year than the one the night consolidates (blind round 28B, F3; re-check 28C,
N4: a later year too)."""
FORM_OF_YEAR_IN_OTHER_FOLDER = (
    "Bảng chấm điểm ở sheet “{sheet}” của tệp {file} ghi năm {year} ({where}) nhưng "
    "tệp nằm trong thư mục năm {folder_year}: bảng này không được tổng hợp vào năm "
    "{year}. Nếu đây là bài nộp năm {year}, {advice}."
)
WHERE_YEAR_CELL = "ô {cell}"
WHERE_SHEET_NAME = "theo tên sheet"
FILE_SAME_AS_LAST_YEAR = (
    "Tệp giống hệt từng byte tệp “{previous}” của năm trước: tệp vẫn được dùng là "
    "bài năm {year}. Nếu đây là bài năm trước gửi lại, hãy nộp bài năm {year}; nếu "
    "tệp kia đặt nhầm vào thư mục năm trước, hãy chuyển nó đi."
)
TITLE_STATES_OTHER_YEAR = (
    "Biểu không có dòng “Năm” và tiêu đề ở ô {cell} ghi năm {named} (“{text}”): "
    "biểu được tính là bài nộp năm {year}, năm của thư mục “{year}”. Nếu đây là bài "
    "năm {named} gửi lại nhầm, hãy bỏ tệp khỏi thư mục; nếu đúng là bài năm {year}, "
    "hãy sửa tiêu đề và thêm dòng “Năm: {year}”."
)
FILE_NAME_STATES_OTHER_YEAR = (
    "Tên tệp {file} ghi năm {named} nhưng bảng chấm điểm ở sheet “{sheet}” không có "
    "dòng “Năm”: bảng được tính là bài nộp năm {year}, năm của thư mục “{year}”. "
    "{advice}"
)
ADVICE_NAME_YEAR_ONE = (
    "Nếu đây là bài nộp năm {named}, hãy chuyển tệp vào thư mục “{named}”; nếu là "
    "năm {year}, hãy thêm dòng “Năm: {year}” vào bảng."
)
ADVICE_NAME_YEAR_SEVERAL = (
    "Nếu đây không phải bài nộp năm {year}, hãy chuyển tệp vào thư mục năm của "
    "nó; nếu đúng là năm {year}, hãy thêm dòng “Năm: {year}” vào bảng."
)
FORM_NAMED_YEAR_IN_OTHER_FOLDER = (
    "Tên tệp {file} ghi năm {year} nhưng tệp nằm trong thư mục năm {folder_year} "
    "và bảng chấm điểm ở sheet “{sheet}” không có dòng “Năm”: bảng được tính là "
    "bài nộp năm {folder_year}, không được tổng hợp vào năm {year}. Nếu đây là bài "
    "nộp năm {year}, hãy chuyển tệp vào thư mục “{year}”."
)
ADVICE_MOVE_FILE = "hãy chuyển tệp vào thư mục “{year}”"
ADVICE_COPY_SHEET = "hãy chép sheet này sang một tệp trong thư mục “{year}”"
FORM_SUPERSEDED = (
    "Biểu của {department} trong tệp này không được dùng vì đã có tệp mới hơn của "
    "đơn vị ({newer}); các biểu khác của tệp vẫn được dùng."
)
RECORD_NOT_WRITTEN = "không ghi được ({reason})"
RUN_RECORDED_PAGE_NOT_WRITTEN = (
    "{label}: {error} (biên bản {path}; không ghi được trang trạng thái "
    "TRANG-THAI.txt: {reason})"
)
FORM_COUNTED_FROM_ELSEWHERE = (
    "Biểu của {stated} trong tệp này được dùng cho {stated} dù {where} chỉ "
    "{other}: {stated} không có tệp riêng nào dùng được. Nếu biểu này chỉ là bản "
    "tham khảo, hãy xóa sheet đó khỏi tệp, hoặc để {stated} nộp tệp của mình."
)
FORM_NAMED_ELSEWHERE = (
    "{where} chỉ {other}, và đã có tệp {kept} của {stated}: biểu này không thay thế "
    "tệp đó"
)
FORM_NOT_USED = (
    "Biểu của {department} trong tệp này không được dùng ({note}); các biểu khác "
    "của tệp vẫn được dùng."
)
FILE_SUPERSEDED = (
    "Đã có tệp mới hơn của cùng đơn vị ({newer}): tệp này không được dùng."
)
FILE_TRUNCATED = "Bảng quá lớn: chỉ đọc {rows} dòng và {columns} cột đầu tiên."

# --- submissions: one row is set aside --------------------------------------------
ROW_MESSAGES: dict[str, str] = {
    "code_present": "Dòng có điểm nhưng ô mã tiêu chí “{raw_code}” không phải là mã hợp lệ.",
    "code_known": "Mã tiêu chí {code} không có trong bộ chỉ số.",
    "self_score_is_number": "Điểm tự đánh giá “{self_raw}” không phải là số.",
    "appraised_score_is_number": "Điểm thẩm định “{appraised_raw}” không phải là số.",
    "self_score_not_negative": "Điểm tự đánh giá {self_score} là số âm.",
    "appraised_score_not_negative": "Điểm thẩm định {appraised_score} là số âm.",
    "self_score_not_above_max": (
        "Điểm tự đánh giá {self_score} vượt điểm tối đa {max} của tiêu chí {code}."
    ),
    "appraised_score_not_above_max": (
        "Điểm thẩm định {appraised_score} vượt điểm tối đa {max} của tiêu chí {code}."
    ),
    "department_responsible": (
        "Đơn vị {department} không chủ trì tiêu chí {code} (đơn vị chủ trì: {owners})."
    ),
    "code_unique_in_file": "Mã tiêu chí {code} xuất hiện nhiều lần trong tệp ({cells}).",
    "stated_max_matches": (
        "Điểm tối đa ghi trong tệp ({stated_max}) khác với bộ chỉ số ({max}) "
        "ở tiêu chí {code}."
    ),
}
ROW_OTHER_SCORE_NOT_USED = {
    "self": " Dòng này không được dùng, kể cả điểm thẩm định {score} ở ô {cell}.",
    "appraised": " Dòng này không được dùng, kể cả điểm tự đánh giá {score} ở ô {cell}.",
}
"""Said after a row check on one score column when the row's other score column
holds a number: the whole row is set aside (blind round 28B, F1)."""
SCORE_NOTE_HINT = {
    "self": (
        " Nếu chưa có điểm tự đánh giá, hãy để trống ô {cell} (ghi chú vào cột "
        "Nguyên nhân trừ điểm) rồi nộp lại."
    ),
    "appraised": (
        " Nếu chưa có điểm thẩm định, hãy để trống ô {cell} (ghi chú vào cột "
        "Nguyên nhân trừ điểm) rồi nộp lại."
    ),
}
"""After a score cell that is not a number and holds no digit (a note: ``Chờ HĐ
thẩm định``, ``x``): how to keep the row's other score (blind round 28B, F1)."""
SCORE_WITH_WORDS_HINT = {
    "self": (
        " Nếu điểm tự đánh giá là {number}, hãy ghi số {number} thôi, không kèm chữ "
        "hay dấu khác, vào ô {cell} rồi nộp lại."
    ),
    "appraised": (
        " Nếu điểm thẩm định là {number}, hãy ghi số {number} thôi, không kèm chữ "
        "hay dấu khác, vào ô {cell}; nếu chưa có điểm thẩm định, hãy để trống ô "
        "{cell} (ghi chú vào cột Nguyên nhân trừ điểm); rồi nộp lại."
    ),
}
"""After a score cell holding one number within the maximum among words
(``1,5 điểm``, ``0.5đ``, ``1,28 (chờ)``): type the number alone; in the
appraisal column the words may say it is not the council's yet (re-check 28C,
N3; 28D, F2)."""
SCORE_AS_NUMBER_HINT = (
    " Hãy ghi điểm là một số từ 0 đến {max} (điểm tối đa), không kèm chữ hay dấu "
    "khác, vào ô {cell} rồi nộp lại."
)
"""After a score cell holding several numbers (``1/2``, ``0,5-0,75``), or one
beyond the maximum (``1 điểm`` of 0,5)."""
# Which cell of the row each row check points at.
ROW_MESSAGE_COLUMN: dict[str, str] = {
    "code_present": "code",
    "code_known": "code",
    "self_score_is_number": "self",
    "appraised_score_is_number": "appraised",
    "self_score_not_negative": "self",
    "appraised_score_not_negative": "appraised",
    "self_score_not_above_max": "self",
    "appraised_score_not_above_max": "appraised",
    "department_responsible": "code",
    "code_unique_in_file": "code",
    "stated_max_matches": "max",
}

# --- warnings ----------------------------------------------------------------------
SUBTOTAL_MISMATCH = (
    "Dòng tổng {code}: điểm ghi {stated} khác tổng điểm các tiêu chí con "
    "trong tệp ({computed}); parindex không cộng dòng tổng mà tự tính lại."
)
CODE_AMBIGUOUS = (
    "Mã {code} được lưu dưới dạng số nên cũng có thể là {alternative}; "
    "đã hiểu là {code}. Hãy nhập mã dưới dạng văn bản."
)
DEPARTMENT_NOT_SUBMITTED = "Đơn vị {department} chưa nộp tệp chấm điểm năm {year}."


def department_named(name: str) -> str:
    """A department's name as the sentences "Đơn vị {department} …" and "… của
    đơn vị {department}" take it: without its own leading "Đơn vị" (the unit
    that fills its form itself is "Đơn vị tự đánh giá": not "Đơn vị Đơn vị tự
    đánh giá")."""
    return name[len("Đơn vị ") :] if name.casefold().startswith("đơn vị ") else name


# a department whose only file (named for it, or its `Đơn vị` line) was rejected
DEPARTMENT_SUBMITTED_UNUSABLE = (
    "Đơn vị {department} đã nộp nhưng tệp “{file}” không dùng được: {reason}"
)

# a department without a file in use named, beside another, on the `Đơn vị` line
# of a file set aside for it (DEPARTMENT_LINE_SEVERAL; re-check 28C, N2)
DEPARTMENT_ON_SEVERAL_LINE = (
    "Đơn vị {department} chưa có tệp chấm điểm dùng được năm {year}: tệp “{file}” "
    "ghi cả đơn vị này và đơn vị khác trên dòng “Đơn vị” nên không dùng được. Nếu "
    "là tệp của đơn vị, hãy sửa dòng “Đơn vị” rồi nộp lại."
)

# --- across files --------------------------------------------------------------------
SHARED_CONFLICT = (
    "Tiêu chí dùng chung {code}: các đơn vị chấm khác nhau ({values}); "
    "tổng hợp dùng {used} của {used_department}."
)
# to each other department of SHARED_CONFLICT, on its own figure's cell
SHARED_NOT_USED = (
    "Tiêu chí dùng chung {code}: điểm {value} của đơn vị không được dùng vì khác "
    "điểm của {used_department}; tổng hợp dùng {used} của {used_department}, đơn "
    "vị ghi đầu tiên ở tiêu chí này trong bộ chỉ số. Các đơn vị cần thống nhất một "
    "điểm."
)
# a department's blank row of a shared leaf another department's figure fills
SHARED_LEFT_BLANK = (
    "Tiêu chí dùng chung {code} để trống trong tệp này (ô {cells}): tổng hợp dùng "
    "{used} của {used_department}. Nếu đơn vị không chấm tiêu chí này, đừng ghi 0: "
    "điểm của đơn vị ghi đầu tiên ở tiêu chí này trong bộ chỉ số ({lead}) được dùng "
    "trước."
)
SHARED_LEFT_BLANK_BY_LEAD = (
    "Tiêu chí dùng chung {code} để trống trong tệp này (ô {cells}): tổng hợp tạm "
    "dùng {used} của {used_department}. Đơn vị là đơn vị chủ trì tiêu chí này: nếu "
    "có điểm, hãy ghi vào ô {cells} rồi nộp lại (điểm của đơn vị chủ trì được dùng "
    "trước, kể cả 0)."
)
"""SHARED_LEFT_BLANK said to the lead itself (blind round 28B, F7)."""
# APPRAISAL_MISSING_SELF_USED where another department's row of the shared leaf
# is the one used
APPRAISAL_MISSING_SELF_NOT_USED = (
    "Tiêu chí {code} chưa có điểm thẩm định (ô {cell} để trống hoặc “-”) trong khi "
    "các tiêu chí khác của tệp đã có; điểm tự đánh giá {self_score} của đơn vị không "
    "được dùng: tổng hợp dùng {used} của {used_department} (tiêu chí dùng chung)."
)
# one of the {values} of SHARED_CONFLICT: a row that is not used, where it is
SHARED_VALUE_ELSEWHERE = "{department}: {value} ở ô {cell} của {file}"

# --- submissions: files that are not submissions (discovery) --------------------------
FILE_IGNORED_LOCK = "Tệp khóa của Excel/LibreOffice (không phải bài nộp)."
FILE_IGNORED_HIDDEN = "Tệp ẩn hoặc tệp tạm (không phải bài nộp)."
FILE_IGNORED_SYSTEM = "Tệp hệ thống do Windows hoặc macOS tự tạo (không phải bài nộp)."
FILE_IGNORED_NOT_FILE = "Không phải tệp thường (thư mục hoặc liên kết): không đọc."
FILE_IGNORED_RETIRED = (
    "Tệp có đuôi “{suffix}” (không phải đuôi bảng tính): coi là bản đã đổi tên để "
    "không dùng nữa, không đọc. Nếu đây là bài nộp, hãy đổi tên về đuôi .xlsx rồi "
    "nộp lại."
)
FILE_IGNORED_TILDE = (
    "Tệp {file} có tên bắt đầu bằng “~” nên được coi là tệp tạm và không được đọc. "
    "Nếu đây là bài nộp, hãy đổi tên tệp (bỏ dấu “~”) rồi nộp lại."
)
FILE_NAME_TWIN = (
    "Thư mục có {count} tệp cùng tên {file} khi hiển thị, nhưng dấu tiếng Việt trong "
    "tên được mã hóa khác nhau ({forms}; thường do tệp được tạo trên máy Mac): "
    "parindex coi là {count} tệp khác nhau. Tệp này: tên mã hóa {form}, sửa lúc "
    "{modified}. Hãy xóa bản không dùng."
)
FILE_IGNORED_SHORTCUT = (
    "Lối tắt (shortcut) tới một tệp khác, không phải bài nộp: không đọc. Nếu muốn "
    "nộp tệp đó, hãy chép chính tệp vào thư mục."
)
FILE_PENDING = (
    "Tệp vừa được sửa lúc {modified}: có thể đang được ghi, để lại cho lần chạy sau."
)

# --- submissions: the whole file is set aside (safety and format) ------------------
FILE_TOO_LARGE = "Tệp quá lớn ({size} MB, tối đa {limit} MB): không đọc."
FILE_READ_FAILED = "Không đọc được tệp từ thư mục nộp bài ({error})."
FILE_ZIP_BOMB = (
    "Tệp bị từ chối vì lý do an toàn: nội dung nén khai báo hoặc giải nén ra quá "
    "lớn (tối đa {limit} MB mỗi phần), có thể là “bom zip”. Hãy mở tệp bằng Excel, "
    "lưu thành tệp mới rồi nộp lại."
)
FILE_SHEET_TOO_LARGE = (
    "Một sheet của tệp quá lớn khi giải nén ({size} MB, tối đa {limit} MB): thường do "
    "định dạng (kẻ khung, tô màu) các ô trống kéo dài tới cuối sheet. Hãy xóa các "
    "dòng, cột thừa bên dưới và bên phải bảng điểm (hoặc mở tệp bằng LibreOffice rồi "
    "lưu lại), sau đó nộp lại."
)
FILE_XML_ENTITIES = (
    "Tệp bị từ chối vì lý do an toàn: phần “{part}” có khai báo DTD/thực thể XML "
    "(kiểu tấn công “billion laughs” hoặc XXE), điều Excel và LibreOffice không bao "
    "giờ ghi ra. Hãy mở tệp bằng Excel, lưu thành tệp mới rồi nộp lại."
)
FILE_TOO_MANY_CELLS = (
    "Tệp có dữ liệu ở tận ô {cell}: vùng dữ liệu quá lớn (hơn {cells} ô) nên không "
    "đọc. Hãy xóa các dòng, cột thừa ở cuối sheet rồi lưu lại."
)
FILE_NOT_SPREADSHEET = (
    "Tệp không phải bảng tính mà là {kind}: có lẽ đã chọn nhầm tệp hoặc đổi đuôi "
    "tệp. Hãy nộp tệp Excel (.xlsx, .xlsm, .xls) hoặc LibreOffice (.ods)."
)
FILE_ARCHIVE = (
    "Tệp là {kind}: parindex không mở tệp nén. Hãy giải nén rồi đặt tệp bảng tính "
    "(.xlsx, .xlsm, .xls, .ods) vào thư mục nộp bài."
)
ARCHIVE_KINDS = frozenset({"zip", "rar", "7z"})
NOT_SPREADSHEET_KINDS: dict[str, str] = {
    "png": "ảnh PNG",
    "jpeg": "ảnh JPEG",
    "gif": "ảnh GIF",
    "pdf": "tài liệu PDF",
    "rtf": "tài liệu RTF",
    "rar": "tệp nén RAR",
    "7z": "tệp nén 7z",
    "zip": "tệp nén ZIP",
    "docx": "tài liệu Word (.docx)",
    "doc": "tài liệu Word (.doc)",
    "pptx": "bản trình chiếu PowerPoint (.pptx)",
    "html": "trang web HTML",
    "text": "văn bản thuần (CSV hoặc TXT)",
    "unknown": "dữ liệu không nhận ra được",
}
FILE_UNSUPPORTED_FORMAT = (
    "Định dạng {format} chưa được hỗ trợ: hãy mở tệp bằng Excel và lưu thành .xlsx."
)

# --- submissions: text in a legacy Vietnamese encoding ------------------------------
LEGACY_TCVN3 = (
    "Văn bản ở {count} ô (ví dụ ô {cell}: “{before}” → “{after}”) được gõ bằng bảng "
    "mã TCVN3 (phông .VnTime); parindex đã tự chuyển sang Unicode. Hãy chuyển tệp "
    "sang Unicode (ví dụ bằng Unikey) trước khi nộp."
)
LEGACY_VNI = (
    "Văn bản ở {count} ô (ví dụ ô {cell}: “{before}” → “{after}”) được gõ bằng bảng "
    "mã VNI (phông VNI-Times); parindex đã tự chuyển sang Unicode. Hãy chuyển tệp "
    "sang Unicode (ví dụ bằng Unikey) trước khi nộp."
)

# --- submissions: one row is set aside (reading) ------------------------------------
FORMULA_NOT_CALCULATED = (
    "Ô có công thức nhưng chưa có giá trị đã tính: hãy mở tệp, tính lại (F9) và lưu."
)
ROW_NO_CODE = "Dòng có điểm nhưng không có mã tiêu chí."
TOTAL_MISMATCH = (
    "Dòng “{label}”: điểm ghi {stated} khác tổng điểm các tiêu chí trong tệp "
    "({computed}); parindex không cộng dòng tổng mà tự tính lại."
)
FORMAT_NAMES: dict[str, str] = {
    ".xlsb": ".xlsb",
    "html": "trang web HTML (thường do phần mềm xuất ra với đuôi .xls)",
    "xml2003": "Bảng tính XML 2003 (XML Spreadsheet)",
}
SHARED_SELF_DIFFERS = (
    "Tiêu chí dùng chung {code}: điểm tự đánh giá khác nhau ({values}) nhưng điểm sử "
    "dụng như nhau; tổng hợp dùng điểm tự đánh giá của {used_department}."
)

DASK_NOT_INSTALLED = (
    "Lỗi: --runner dask cần gói prefect-dask, chưa được cài. Cài bằng "
    "`pip install 'parindex[dask]'` (hoặc `uv sync --extra dask`), hoặc dùng "
    "--runner process để đọc bằng nhiều tiến trình trên máy này."
)

# --- which file wins, folder shape (issue 10, classes 5–6) -----------------------------
FILE_ATTACHMENT = (
    "Tài liệu kèm theo (không phải bảng tính): được lưu trữ, không đọc điểm."
)
FILE_MTIME_FUTURE = (
    "Thời gian sửa tệp ({modified}) ở sau thời điểm chạy: đồng hồ của máy đã lưu "
    "tệp, hoặc của máy chạy parindex, có thể bị sai, nên thời gian này không được "
    "dùng để xếp thứ tự các bản nộp."
)
FOLDER_TOO_DEEP = (
    "Thư mục nằm sâu hơn {levels} cấp thư mục con dưới thư mục năm {year}: các tệp "
    "trong đó không được đọc."
)
FOLDER_TOO_DEEP_FILES = (
    "Thư mục “{folder}” nằm sâu hơn {levels} cấp thư mục con dưới thư mục năm "
    "{year} nên không được đọc: {count} tệp bảng tính trong đó không được tổng hợp "
    "({files}). Hãy chuyển tệp vào thư mục “{year}” hoặc một thư mục con không quá "
    "{levels} cấp."
)
FILE_OUTSIDE_YEAR_FOLDERS = (
    "Tệp “{file}” {where}: tệp không được đọc. Nếu đây là bài nộp năm {year}, hãy "
    "chuyển tệp vào thư mục “{year}”."
)
WHERE_INPUTS_ROOT = (
    "nằm ngay trong thư mục nộp bài chung (cạnh các thư mục năm), không trong thư "
    "mục năm nào"
)
WHERE_NOT_YEAR_FOLDER = "nằm trong thư mục “{folder}”, không phải thư mục năm nào"
FOLDER_LOOKS_LIKE_YEAR = (
    "Thư mục “{folder}” trông giống thư mục năm {year} nhưng không phải thư mục "
    "“{year}”: {files} tệp trong đó không được đọc. Hãy chuyển các tệp vào thư mục "
    "“{year}”."
)
NO_YEAR_FOLDER_LOOKALIKE = (
    "Có thư mục {folders} trông giống thư mục năm {year}: hãy đổi tên thành “{year}”."
)
FILE_SUPERSEDED_SAME_CONTENT = (
    "Trùng nội dung với tệp {newer} (cùng đơn vị): chỉ dùng một bản."
)
FILE_NOT_USABLE_KEEPS_OLDER = (
    "Tệp mới hơn của {department} không dùng được ({newer}): vẫn dùng tệp {older}."
)
FILE_NO_VALID_ROW = (
    "Tệp không có dòng điểm hợp lệ nào nên không thay thế tệp {older} của cùng đơn vị."
)
FILE_NO_VALID_ROW_SAME_TIME = (
    "Tệp không có dòng điểm hợp lệ nào của đơn vị; đơn vị dùng tệp {used} (cùng "
    "thời gian sửa với tệp này)."
)
RESUBMISSION_LOST_ROW = (
    "Tiêu chí {code}: dòng này của tệp mới bị loại (xem lỗi ở ô {cell}), nên tiêu "
    "chí chưa có điểm hợp lệ; tệp cũ {older} có điểm {value} nhưng không được dùng vì "
    "tệp mới thay thế cả tệp cũ. Hãy sửa tệp mới rồi nộp lại."
)
FILE_ORDER_AMBIGUOUS = (
    "Không xác định được bản nào mới hơn giữa các tệp của {department} ({files}): "
    "{why}, điểm khác nhau (ví dụ tiêu chí {code}). Không dùng tệp nào: hãy xóa "
    "bản cũ khỏi thư mục."
)
ORDER_WHY_SAME_TIME = "cùng thời gian sửa"
ORDER_WHY_FUTURE = (
    "không xếp được theo thời gian sửa ({future} có thời gian sửa ở tương lai{same})"
)
ORDER_FUTURE_ONE = "tệp {file}"
ORDER_FUTURE_MANY = "các tệp {files}"
ORDER_FUTURE_AND_SAME = "; các tệp {files} cùng thời gian sửa"
FILE_ORDER_BY_ROWS = (
    "Các tệp {files} của {department} {why}: dùng tệp có nhiều dòng điểm hợp lệ "
    "hơn ({used})."
)
FILE_ORDER_SAME_SCORES = (
    "Các tệp {files} của {department} {why} nhưng cùng điểm: dùng {used}."
)
FILE_ORDER_BY_SAVE_TIME = (
    "Các tệp {files} của {department} {why} và điểm khác nhau (ví dụ tiêu chí "
    "{code}): dùng {used}, bản được lưu sau cùng theo thời gian lưu ghi trong tệp "
    "({saved})."
)
OLD_FOLDER_FILE_IN_USE = (
    "Tệp {file} được dùng vì có thời gian sửa mới nhất, nhưng nằm trong thư mục "
    "“{folder}”: tên thư mục cho thấy đây là bản cũ. Tệp này thay cho {other}. Nếu "
    "đây đúng là bản cũ, hãy chuyển nó ra khỏi thư mục nộp bài rồi chạy lại."
)
OLD_NAME_FILE_IN_USE = (
    "Tệp {file} được dùng vì có thời gian sửa mới nhất, nhưng tên tệp có chữ "
    "“{word}” cho thấy đây là bản cũ. Tệp này thay cho {other}. Nếu đây đúng là bản "
    "cũ, hãy chuyển nó ra khỏi thư mục nộp bài rồi chạy lại."
)
FILE_SUPERSEDED_BY_ROWS = (
    "Tệp này và tệp {used} {why}; tệp {used} có nhiều dòng điểm hợp lệ hơn nên được "
    "dùng, tệp này không được dùng."
)
FILE_SUPERSEDED_SAME_SCORES = (
    "Tệp này và tệp {used} {why} nhưng cùng điểm; dùng tệp {used} (không đổi điểm "
    "nào), tệp này không được dùng."
)
FILE_NEWEST_SAVED_BEFORE = (
    "Tệp {used} được dùng vì có thời gian sửa mới nhất trong thư mục, nhưng thời "
    "gian lưu ghi trong tệp ({saved}) trước tệp {other} (lưu lúc {other_saved}, nội "
    "dung khác): có thể đây là bản cũ được chép lại vào thư mục. Nếu bản đúng là "
    "{other}, hãy xóa {used} khỏi thư mục hoặc lưu lại {other}."
)
FILE_SUPERSEDED_BY_SAVE_TIME = (
    "Tệp này (lưu lúc {saved}) và tệp {newer} (lưu lúc {newer_saved}) {why}; theo "
    "thời gian lưu ghi trong tệp, {newer} được lưu sau nên tệp này không được dùng."
)
DEPARTMENT_LINE_DISAGREES = (
    "Dòng “Đơn vị” ghi {stated} nhưng {where} chỉ {other}; tệp được tính cho "
    "{stated} theo dòng “Đơn vị”."
)
WHERE_FILE_NAME = "tên tệp"
WHERE_FOLDER = "thư mục “{folder}”"
WHERE_SHEET_TITLE = "tên sheet"
WHERE_FOLDER_NAME = "tên thư mục"
DEPARTMENT_NAME_PARTIAL = (
    "Biểu không có dòng “Đơn vị” và {where} (“{text}”) không đúng tên đơn vị nào "
    "của bộ tiêu chí: tệp được tính cho {name} ({code}) vì tên này có một tên ngắn "
    "của đơn vị đó. Nếu tệp không phải của {name}, hãy bỏ tệp khỏi thư mục nộp; "
    "nếu đúng, hãy thêm dòng “Đơn vị: {name}” vào biểu."
)
DEPARTMENT_NAME_CODE_AMONG_WORDS = (
    "Biểu không có dòng “Đơn vị” và {where} (“{text}”) không đúng tên đơn vị nào "
    "của bộ tiêu chí: tệp được tính cho {name} ({code}) vì tên này có mã “{code}” "
    "của đơn vị đó, giữa những chữ không thuộc tên đơn vị. Nếu tệp không phải của "
    "{name}, hãy bỏ tệp khỏi thư mục nộp; nếu đúng, hãy thêm dòng “Đơn vị: {name}” "
    "vào biểu."
)
DEPARTMENT_LINE_BLANK = (
    "Dòng “Đơn vị” chưa ghi tên đơn vị (“{text}”): biểu được tính cho {name} ({code}) "
    "theo {where}. Nếu không đúng, hãy ghi tên đơn vị vào dòng “Đơn vị” rồi nộp lại."
)
DEPARTMENT_NAME_OTHER_UNIT = (
    "Biểu không có dòng “Đơn vị” và {where} (“{text}”) ghi {place}, không phải địa "
    "bàn của {unit} (đơn vị đang tổng hợp, theo tệp {settings}), nên biểu này không "
    "được tính cho {name} ({code}). Nếu đây đúng là biểu của {name}, hãy thêm dòng "
    "“Đơn vị: {name}” vào biểu rồi nộp lại; nếu {settings} ghi sai tên đơn vị, hãy "
    "sửa tệp đó."
)
DEPARTMENT_NAME_DOUBTED_NOT_USED = (
    "Tệp không có dòng “Đơn vị” và {where} không ghi đúng tên {stated} (chỉ có một "
    "tên ngắn hoặc mã của đơn vị giữa các chữ khác); đã có tệp {kept} của {stated} "
    "nên tệp này không thay thế tệp đó và không được dùng. Nếu tệp là của {stated}, "
    "hãy thêm dòng “Đơn vị: {stated}” vào biểu rồi nộp lại."
)
DEPARTMENT_DOUBTED_NOT_USED = (
    "Dòng “Đơn vị” của tệp không ghi đúng tên {stated} (chỉ có một tên ngắn của đơn "
    "vị giữa các chữ khác); đã có tệp {kept} của {stated} nên tệp này không thay thế "
    "tệp đó và không được dùng. Nếu tệp là của {stated}, hãy ghi “Đơn vị: {stated}” "
    "rồi nộp lại."
)
SELF_LINE_NOT_UNIT = (
    "Dòng “Đơn vị” ghi “{text}”, không ghi tên {name}: nếu đây là biểu của đơn vị "
    "khác (một cơ quan khác, một xã cũ trước khi sáp nhập…), biểu không được dùng "
    "khi có biểu ghi đúng tên {name}; nếu là biểu của {name}, hãy ghi “Đơn vị: "
    "{name}” rồi nộp lại."
)
SELF_LINE_NOT_UNIT_NOT_USED = (
    "Dòng “Đơn vị” của tệp không ghi tên {stated}; đã có tệp {kept} ghi đúng tên "
    "nên tệp này không thay thế tệp đó và không được dùng. Nếu tệp là của {stated}, "
    "hãy ghi “Đơn vị: {stated}” rồi nộp lại."
)
DEPARTMENT_LINE_OTHER_UNIT = (
    "Dòng “Đơn vị” ghi “{text}”: {place} không phải địa bàn của {unit} (đơn vị "
    "đang tổng hợp, theo tệp {settings}), nên biểu này không được tính cho {name} "
    "({code}). Nếu đây đúng là biểu của {name}, hãy sửa dòng “Đơn vị” rồi nộp lại; "
    "nếu {settings} ghi sai tên đơn vị, hãy sửa tệp đó."
)
DEPARTMENT_DISPUTED_NOT_USED = (
    "Dòng “Đơn vị” ghi {stated} nhưng {where} chỉ {other}; đã có tệp {kept} của "
    "{stated} nên tệp này không thay thế tệp đó và không được dùng. Hãy kiểm tra "
    "lại dòng “Đơn vị” hoặc tên tệp."
)
ROWS_SET_ASIDE_SUMMARY = (
    "{department}: {count} dòng bị loại (tiêu chí {codes}) trong {file}: các tiêu "
    "chí này chưa có điểm hợp lệ."
)
ROWS_SET_ASIDE_SCORED_ELSEWHERE = (
    "{department}: 1 dòng bị loại (tiêu chí {code}) trong {file}; tiêu chí này vẫn "
    "có điểm hợp lệ: dùng điểm của {scorer}."
)
ROWS_SET_ASIDE_NO_CODE = (
    "{department}: {count} dòng bị loại trong {file} vì không đọc được mã tiêu chí "
    "(ô {cells}): các dòng này không được tính cho tiêu chí nào."
)
ROWS_SET_ASIDE_UNKNOWN_CODE = (
    "{department}: {count} dòng bị loại trong {file} vì mã tiêu chí không có trong "
    "bộ chỉ số ({codes}): các dòng này không được tính cho tiêu chí nào."
)
SCORER_IN_FILE = "{department} ({file})"
FILE_NO_ROW_USED = (
    "Không có dòng điểm nào dùng được: mọi dòng có điểm của tệp đều bị loại (xem "
    "lỗi ở từng ô)."
)
DEPARTMENT_NO_VALID_SCORE = "còn {count}/{leaves} tiêu chí chưa có điểm hợp lệ"

# --- criteria sets and history (issue 10, class 7) -----------------------------------
CRITERIA_SAME_FIRST_YEAR = (
    "Có {count} bộ chỉ số cùng áp dụng từ năm {year}: {files}. Không biết dùng bộ "
    "nào: hãy để lại một bộ trong thư mục “{folder}”."
)
HISTORY_YEAR_TWICE = (
    "Năm {year} có {count} dòng trong sheet “{sheet}” (dòng {rows}) với số liệu khác "
    "nhau: không dùng số liệu công bố của năm {year} cho đến khi sửa."
)
HISTORY_YEAR_TWICE_SAME = (
    "Năm {year} có {count} dòng giống nhau trong sheet “{sheet}” (dòng {rows})."
)
HISTORY_COMPONENT_TWICE = (
    "Chỉ số thành phần {code} năm {year} có {count} dòng khác nhau (dòng {rows}): "
    "không dùng điểm công bố của chỉ số này."
)
HISTORY_GROUPS_NOT_TOTAL = (
    "Năm {year}: tổng bốn nhóm điểm công bố ({groups}) khác tổng điểm công bố "
    "({total}), chênh {difference}, nhiều hơn mức chênh do làm tròn số: có số liệu "
    "bị ghi sai."
)
HISTORY_GROUP_COLUMNS_MISSING = (
    "Sheet “{sheet}” có cột “Tổng điểm” nhưng dòng tiêu đề (dòng {row}) không có cột "
    "{columns}: các nhóm điểm công bố này không được đọc (chỉ dùng tổng điểm, xếp "
    "hạng). Hãy đặt tiêu đề cột như mẫu: “Điểm thẩm định”, “Điểm điều tra”, "
    "“Điểm tác động KT-XH”, “Điểm SIPAS”."
)
HISTORY_FILES_SEVERAL = (
    "Có {count} tệp kết quả các năm trước: {files}. Chỉ dùng “{used}” (thứ tự ưu "
    "tiên: {order}), không đọc {others}: hãy xoá tệp không dùng."
)
HISTORY_RANK_UNITS_DIFFER = (
    "Năm {year}: “Xếp hạng” ghi “{shown}” (ô {rank_cell}) nhưng “Số đơn vị” ghi "
    "{units} (ô {units_cell}): dùng xếp hạng {rank} trên {units} đơn vị theo cột "
    "“Số đơn vị”."
)
HISTORY_COMPONENTS_MISSING = (
    "Năm {year}: sheet “Chỉ số thành phần” không có chỉ số thành phần {codes} (các "
    "năm khác có); tổng các chỉ số thành phần có ghi ({components}) khác tổng điểm "
    "công bố ({total}), chênh {difference}. Hãy chép đủ các chỉ số thành phần của "
    "năm {year}."
)
HISTORY_YEAR_UNREADABLE = (
    "Ô năm ghi “{shown}”, không đọc được là năm: dòng này bị bỏ qua. Hãy ghi năm "
    "bằng số (2022)."
)
HISTORY_ROW_NO_YEAR = (
    "Dòng {row} có số liệu nhưng không ghi năm (ô {cell}): dòng này không được "
    "đọc. Hãy ghi năm vào ô này."
)
HISTORY_ROWS_NO_YEAR = (
    "{count} dòng có số liệu nhưng không ghi năm ({cells}), không có năm nào ở "
    "trên: các dòng này không được đọc. Hãy ghi năm vào các ô này."
)
HISTORY_YEAR_FILLED = (
    "{count} dòng để trống ô năm ({cells}): mỗi dòng được đọc theo năm ghi ở dòng "
    "gần nhất phía trên."
)
HISTORY_COMPONENTS_NO_YEAR = (
    "Sheet “{sheet}” không có cột “Năm”: chỉ số thành phần các năm không được "
    "đọc. Hãy ghi mỗi thành phần một dòng (Năm | Mã | Điểm), hoặc mỗi năm một "
    "dòng với mã thành phần trên dòng tiêu đề (Năm | 1 | 2 | …)."
)
HISTORY_COMPONENTS_NO_CODES = (
    "Sheet “{sheet}” không có cột “Mã” và “Điểm”, cũng không ghi mã chỉ số thành "
    "phần trên dòng tiêu đề (dòng {row}: {header}): chỉ số thành phần các năm "
    "không được đọc. Hãy ghi mỗi thành phần một dòng (Năm | Mã | Điểm), hoặc mỗi "
    "năm một dòng với mã thành phần trên dòng tiêu đề (Năm | 1 | 2 | …)."
)
HISTORY_CODES_UNREADABLE = (
    "{count} dòng có mã chỉ số thành phần không đọc được (ô {cells}; ví dụ "
    "“{first}”): các dòng này bị bỏ qua. Hãy ghi mã như trong bộ tiêu chí (1, 2, …), "
    "không dùng số La Mã."
)
HISTORY_NOT_A_COMPONENT = (
    "{file}, sheet “Chỉ số thành phần”: năm {year} có mã {codes}, không phải "
    "mã chỉ số thành phần nào của bộ tiêu chí: không được đối chiếu, không được so "
    "sánh. Nếu đó là mã như 8.10 bị Excel đổi thành số 8.1, hãy định dạng ô là văn "
    "bản rồi gõ lại."
)
HISTORY_NO_TOTAL = (
    "Năm {year} (dòng {row}) chưa có tổng điểm công bố: không dùng số liệu công bố "
    "của năm {year}, dùng số tính từ các tiêu chí."
)
HISTORY_NOT_A_NUMBER = (
    "Năm {year}: “{figure}” ghi “{shown}”, không phải là số: không dùng ô này."
)
HISTORY_FIGURE_TOO_LARGE = (
    "Năm {year}: “{figure}” ghi {shown}, quá lớn (quá {limit}), có thể gõ nhầm: "
    "không dùng số này."
)
HISTORY_COMPONENTS_NOT_TOTAL = (
    "Năm {year}: tổng các chỉ số thành phần công bố ({components}) khác tổng điểm "
    "công bố ({total}), chênh {difference}, nhiều hơn mức chênh do làm tròn số: có "
    "số liệu bị ghi sai."
)

# --- reading one workbook right (hidden things, headers, values, structure) ----------
SCORE_ROLE_NAMES: dict[str, str] = {
    "self": "điểm tự đánh giá",
    "appraised": "điểm thẩm định",
}
COLUMN_OTHER_YEAR = (
    "Cột {column} là của năm {column_year}, không phải năm {year}: không dùng cột này."
)
APPRAISAL_FROM_EARLIER_COLUMN = (
    "Ô {blank} (cột {chosen}) để trống: dòng này dùng điểm thẩm định ở ô {used} "
    "(cột {column})."
)
APPRAISAL_EARLIER_ROUNDS_DIFFER = (
    "Ô {blank} (cột {chosen}) để trống, và các cột thẩm định trước nó ghi điểm khác "
    "nhau ở dòng này: {cells}. Không biết dùng điểm nào, nên dòng này coi như chưa "
    "có điểm thẩm định; hãy ghi điểm vào ô {blank} hoặc xóa cột thừa rồi nộp lại."
)
APPRAISAL_EARLIER_CELL = "{cell} ghi {shown}"
COLUMN_YEAR_LATER = (
    "Cột {column} ghi năm {column_year}, sau năm {year} của biểu: cột được đọc là "
    "{role} của biểu năm {year} (chấm trong năm {column_year})."
)
COLUMNS_YEAR_UNSTATED = (
    "Các cột điểm của biểu ({columns}) đều ghi năm {column_year} và biểu không có "
    "dòng “Năm” ghi năm {year}: không rõ đây là bài chấm điểm năm nào, biểu không "
    "được dùng. Nếu đây là bài năm {year}, hãy thêm dòng “Năm: {year}” vào biểu rồi "
    "nộp lại."
)
COLUMN_YEAR_STALE = (
    "Cột {column} ghi năm {column_year}, nhưng biểu không có cột điểm nào ghi năm "
    "{year} để phân biệt với nó: cột được đọc là {role} của biểu năm {year}. Nếu cột "
    "này là điểm năm {column_year}, hãy bỏ cột đó khỏi biểu rồi nộp lại."
)
COLUMN_HIDDEN_DUPLICATE = (
    "Cột {column} đang bị ẩn và trùng vai trò {role} với một cột đang hiện: "
    "dùng cột đang hiện, bỏ qua cột ẩn."
)
COLUMN_HIDDEN_EARLIER_ROUND = (
    "Cột {column} đang bị ẩn: dùng cột {chosen}; dòng nào để trống ở cột đó thì "
    "dùng điểm của cột ẩn này (vòng chấm trước), mỗi dòng như vậy có một cảnh báo."
)
COLUMN_HIDDEN_USED = (
    "Cột {column} đang bị ẩn nhưng là cột {role} duy nhất: vẫn dùng cột này; "
    "hãy bỏ ẩn cột để kiểm tra lại."
)
COLUMN_CHOSEN = (
    "Có nhiều cột {role}: {columns}; dùng cột {column} (theo quy tắc: cột chính "
    "thức/cuối cùng, rồi lần chấm sau cùng, rồi cột không ghi “sơ bộ”)."
)
COLUMNS_AMBIGUOUS = (
    "Không xác định được cột {role} nào là cột cần dùng: {columns}. Hãy xóa cột "
    "thừa hoặc ghi rõ “chính thức” ở tiêu đề cột cần dùng rồi nộp lại."
)
DEDUCTIONS_OF_SELF = (
    "Cột {column} là số điểm bị trừ theo điểm tự đánh giá (ở mọi dòng bằng điểm "
    "tối đa trừ điểm tự đánh giá): không dùng cột này; biểu mẫu không có cột điểm "
    "thẩm định."
)
DEDUCTIONS_UNCLEAR = (
    "Cột {column} có chữ “trừ” nhưng không rõ là điểm hay số điểm bị trừ: biểu "
    "không được dùng. Hãy đặt tiêu đề rõ (“Điểm thẩm định”, “Điểm tự đánh giá” "
    "hoặc “Điểm bị trừ”) rồi nộp lại."
)
DEDUCTIONS_NOT_USED = (
    "Cột {column} là số điểm bị trừ, không phải điểm: không dùng cột này."
)
DEDUCTIONS_WITHOUT_APPRAISAL = (
    "Cột {column} là số điểm bị trừ, nhưng biểu không có cột điểm thẩm định: "
    "parindex không tự tính điểm thẩm định từ điểm bị trừ, biểu không được dùng. "
    "Hãy thêm cột “Điểm thẩm định” (điểm tối đa trừ điểm bị trừ) rồi nộp lại."
)
SCORE_COLUMN_NOT_USED = (
    "Cột {column} có số và tiêu đề giống cột điểm nhưng không nhận ra là cột điểm tự "
    "đánh giá hay điểm thẩm định: không dùng. Nếu đây là cột điểm, hãy đặt tiêu đề "
    "là “Điểm tự đánh giá” hoặc “Điểm thẩm định”."
)
SCORE_COLUMN_UNRECOGNISED_MISSING = (
    "Cột {column} có số và tiêu đề giống cột điểm nhưng không nhận ra là cột điểm tự "
    "đánh giá hay điểm thẩm định, mà bảng không có cột {role}: không biết cột này có "
    "phải là {role} không. Hãy đặt tiêu đề cột là “Điểm tự đánh giá” hoặc “Điểm thẩm "
    "định” rồi nộp lại."
)
APPEAL_COLUMN_WORDS = (
    "Cột {column} (phúc khảo) có chữ (“{text}”), không phải chỉ có điểm: không đọc "
    "cột này, dùng điểm thẩm định ở cột khác. Nếu cột có điểm sau phúc khảo, hãy "
    "chỉ ghi số (để trống dòng giữ nguyên điểm) rồi nộp lại."
)
SCORES_UNDER_UNKNOWN_HEADER = (
    "Cột {column} có điểm ở các dòng tiêu chí (không vượt điểm tối đa) nhưng tiêu "
    "đề không cho biết là điểm gì, mà bảng không có cột điểm thẩm định: không biết "
    "cột này có phải điểm thẩm định không, nên biểu không được dùng (nếu dùng điểm "
    "tự đánh giá thay cho điểm thẩm định thì tổng điểm sai). Hãy đặt tiêu đề cột là "
    "“Điểm thẩm định” (hoặc xóa cột nếu không phải điểm) rồi nộp lại."
)
COLUMN_HEADER_EMPTY = "{cell} (tiêu đề trống)"
APPRAISAL_COLUMN_UNRECOGNISED = (
    "Cột {column} nhắc tới thẩm định và có số nhưng không nhận ra là cột điểm thẩm "
    "định: không thể chỉ dùng điểm tự đánh giá. Hãy đặt tiêu đề cột là "
    "“Điểm thẩm định” rồi nộp lại."
)
ROW_HIDDEN_DUPLICATE = (
    "Dòng {row} đang bị {hidden_how} và trùng mã tiêu chí {code} với dòng {visible} "
    "đang hiện: dùng dòng đang hiện, bỏ qua dòng {hidden_how}."
)
ROW_HIDDEN_USED = (
    "Dòng {row} (tiêu chí {code}) đang bị {hidden_how} nhưng là dòng duy nhất có "
    "tiêu chí này: điểm vẫn được dùng; hãy bỏ {hidden_how_verb} để kiểm tra lại."
)
ROW_NAME_OF_OTHER_CODE = (
    "Ô {code_cell} ghi mã {code} nhưng tên tiêu chí ở {name_cell} là tên của "
    "tiêu chí {other} (“{name}”), không phải của {code}: không rõ mã nào đúng, "
    "dòng không được dùng; hãy sửa mã hoặc tên rồi gửi lại."
)
HIDDEN_HOW: dict[str, tuple[str, str]] = {
    "hidden": ("ẩn", "ẩn dòng"),
    "filtered": ("lọc ẩn", "lọc"),
}
VALUE_ERROR = (
    "Ô {cell} có giá trị lỗi {error} (công thức tính sai): đây là lỗi, không phải "
    "ô trống. Hãy sửa công thức hoặc nhập điểm rồi nộp lại."
)
VALUE_PERCENT = (
    "Ô {cell} định dạng phần trăm ({shown}): điểm phải là số điểm, không phải tỷ lệ "
    "phần trăm. Hãy đặt định dạng ô là Số và nhập lại điểm."
)
VALUE_CONCEALED = (
    "Ô {cell} có điểm {shown} nhưng {how}: trên màn hình và khi in, ô trông như để "
    "trống. Vẫn dùng điểm {shown}; nếu ô này phải để trống, hãy xóa điểm rồi nộp lại."
)
CONCEALED_HOW = {
    "format": "định dạng số “{code}” của ô không hiện giá trị này",
    "zeros": "trang tính đặt chế độ không hiện số 0",
    "empty": "định dạng số của ô không hiện giá trị này",
}
VALUE_SHOWN_DASH = (
    "Ô {cell} có điểm 0 nhưng {how} là “{display}”, nghĩa là chưa chấm. Vẫn dùng "
    "điểm 0; nếu tiêu chí này chưa được chấm, hãy xóa điểm rồi nộp lại."
)
SCORE_MORE_DECIMALS = (
    "Ô {cell} có điểm {typed}, nhiều hơn 3 chữ số thập phân (điểm chấm đến 0,01 "
    "hoặc 0,001): tổng hợp dùng đúng số này, dù ô có thể chỉ hiện {hundredth}. Nếu "
    "điểm đúng là {hundredth}, hãy sửa ô rồi nộp lại."
)
SCORE_SHOWN_AS_MAXIMUM = (
    "Ô {cell} có điểm {typed}, dưới điểm tối đa {max} của tiêu chí {code} không quá "
    "0,005 nên hiện là {max} khi làm tròn đến 0,01: tổng hợp dùng đúng {typed}, nhưng "
    "tiêu chí không được kể là bị trừ điểm. Nếu điểm đúng là {max}, hãy sửa ô rồi "
    "nộp lại."
)
"""A score in use below its maximum by less than half a hundredth, not said by
SCORE_MORE_DECIMALS: shown as the maximum, it is not listed as lost, while the
department's total keeps what it lost (re-check 28D, F1)."""
VALUE_SHOWN_ROUNDED = (
    "Ô {cell} có điểm {shown} nhưng {how} là “{display}”: trên màn hình và khi in, "
    "điểm trông như {display}. Vẫn dùng điểm {shown}; nếu điểm đúng là {display}, "
    "hãy sửa ô rồi nộp lại."
)
SHOWN_BY = {
    "code": "định dạng số “{code}” của ô hiện giá trị này",
    "text": "ô hiện giá trị này",
}
VALUE_DATE = (
    "Ô {cell} là ngày tháng ({shown}), không phải điểm số: hãy đặt định dạng ô là "
    "Số và nhập lại điểm."
)
VALUE_BOOLEAN = "Ô {cell} là giá trị đúng/sai ({shown}), không phải điểm số."
MAX_TOO_LARGE = (
    "Ô {cell} ghi điểm tối đa {shown}: quá lớn để là điểm (quá {limit}), có thể gõ "
    "nhầm: không so với bộ chỉ số."
)
VALUE_TOO_LARGE = (
    "Ô {cell} ghi {shown}: quá lớn để là điểm (quá {limit}), có thể gõ nhầm. "
    "Hãy nhập lại điểm rồi nộp lại."
)
PREVIOUS_YEAR_INCOMPLETE_PUBLISHED = (
    "Thư mục {year}/ chỉ có điểm của {scored}/{leaves} tiêu chí (chưa có: {codes}): "
    "tổng điểm và chỉ số thành phần năm {year} lấy theo số đã công bố trong "
    "{history}; tiêu chí chưa đủ điểm năm {year} không được so sánh."
)
PREVIOUS_YEAR_INCOMPLETE = (
    "Thư mục {year}/ chỉ có điểm của {scored}/{leaves} tiêu chí (chưa có: {codes}) "
    "và {history} không có tổng điểm năm {year}: chỉ so sánh các tiêu chí và chỉ "
    "số thành phần đã đủ điểm; tổng điểm năm {year} không được so sánh."
)
PREVIOUS_YEAR_UNSCORED_PUBLISHED = (
    "Thư mục {year}/ không có bài nộp nào dùng được (0/{leaves} tiêu chí có điểm): "
    "tổng điểm và chỉ số thành phần năm {year} lấy theo số đã công bố trong "
    "{history}."
)
PREVIOUS_YEAR_UNSCORED = (
    "Thư mục {year}/ không có bài nộp nào dùng được (0/{leaves} tiêu chí có điểm) "
    "và {history} không có tổng điểm năm {year}: năm {year} không được so sánh."
)
DEPARTMENT_LINE_PARTIAL = (
    "Dòng “Đơn vị” ghi “{text}”, không đúng tên đơn vị nào của bộ tiêu chí: tệp được "
    "tính cho {name} ({code}) vì dòng này có tên của đơn vị đó. Nếu tệp không phải "
    "của {name}, hãy bỏ tệp khỏi thư mục nộp; nếu đúng, hãy ghi “Đơn vị: {name}”."
)
OWN_CRITERIA_ABSENT = (
    "Biểu của {department} không có dòng nào cho {count} tiêu chí đơn vị chủ trì "
    "({codes}): tệp không cho các tiêu chí này điểm nào. Nếu bị sót hoặc bị xóa, "
    "hãy thêm dòng có mã tiêu chí và điểm rồi nộp lại."
)
OWN_CRITERION_ABSENT = (
    "Biểu của {department} không có dòng nào cho tiêu chí {codes} mà đơn vị chủ "
    "trì: tệp không cho tiêu chí này điểm nào. Nếu bị sót hoặc bị xóa, hãy thêm "
    "dòng có mã tiêu chí và điểm rồi nộp lại."
)
UNSCORED_OWN_CRITERION = (
    "Tiêu chí {code} chưa có điểm (ô {cells} để trống hoặc “-”) trong khi các tiêu "
    "chí khác của tệp đã có điểm: tệp không cho tiêu chí này điểm nào. Nếu tiêu chí "
    "được 0 điểm, hãy ghi 0 rồi nộp lại."
)
UNSCORED_NUMBER_BESIDE = (
    " Trên dòng này, {found}: nếu đó là điểm, hãy ghi vào ô {cell} (tự đánh giá) "
    "rồi nộp lại."
)
"""After UNSCORED_OWN_CRITERION when the blank row holds a number elsewhere: a
score typed in the maximum, reason or evidence column (blind round 28B, F5)."""
UNSCORED_STATED_MAX = "ô {cell} ghi {stated} khác điểm tối đa {max} của bộ chỉ số"
UNSCORED_NUMBER_IN = {
    "reason": "cột nguyên nhân ghi “{text}”",
    "evidence": "cột tài liệu kiểm chứng ghi “{text}”",
}
APPRAISAL_MISSING_SELF_USED = (
    "Tiêu chí {code} chưa có điểm thẩm định (ô {cell} để trống hoặc “-”) trong khi "
    "các tiêu chí khác của tệp đã có: tạm dùng điểm tự đánh giá {self_score}."
)
SCORE_CELL_MERGED = (
    "Ô {cell} (tiêu chí {code}) nằm trong vùng ô gộp {range}: giá trị {value} của "
    "vùng gộp là của ô đầu {first} (dòng {first_row}) và chỉ được tính cho dòng đó; "
    "{rule} Nếu giá trị này dành cho mọi tiêu chí trong vùng gộp, hãy bỏ gộp ô, ghi "
    "điểm cho từng tiêu chí rồi nộp lại."
)
SCORE_CELL_MERGED_ACROSS = (
    "Ô {cell} (tiêu chí {code}) nằm trong vùng ô gộp {range} của dòng {row}: giá trị "
    "{value} của vùng gộp là của ô đầu {first} ({first_column}) và chỉ được tính cho "
    "cột đó; {rule} Nếu giá trị này dành cho cả các cột khác của vùng gộp, hãy bỏ gộp "
    "ô, ghi điểm vào từng cột rồi nộp lại."
)
# the column of a merged range's first cell (SCORE_CELL_MERGED_ACROSS)
MERGED_FIRST_COLUMN = {
    "self": "cột điểm tự đánh giá",
    "appraised": "cột điểm thẩm định",
    "max": "cột điểm tối đa",
}
MERGED_FIRST_COLUMN_OTHER = "cột {letter}"
MERGED_RULE_SELF_USED = (
    "tiêu chí {code} coi như chưa có điểm thẩm định, tạm dùng điểm tự đánh giá "
    "{self_score}."
)
MERGED_RULE_NO_SCORE = "tiêu chí {code} coi như chưa có điểm {role}."
CRITERION_SPLIT_SUMMED = (
    "Tiêu chí {code} được chấm theo từng ý ({cells}): dùng tổng các ý, {scores}."
)
CRITERION_SPLIT_PARTLY_APPRAISED = (
    "Tiêu chí {code} được chấm theo từng ý nhưng chưa đủ điểm thẩm định: ô {blank} "
    "để trống hoặc “-” trong khi ô {cells} đã có. Chưa tính điểm thẩm định của tiêu "
    "chí; tạm dùng điểm tự đánh giá {self_score}."
)
CRITERION_SPLIT_MISMATCH = (
    "Tiêu chí {code}: điểm ghi ở dòng tiêu chí ({stated}) khác tổng các ý ({computed}, "
    "ô {cells}): cả tiêu chí bị để riêng, không tính nửa chừng."
)
CRITERION_SPLIT_BAD = (
    "Tiêu chí {code} được chấm theo từng ý nhưng ô {cell} không phải là số "
    "(“{value}”): cả tiêu chí bị để riêng, không tính nửa chừng."
)
CRITERION_MERGED_SPLIT = (
    "Ô mã tiêu chí {code} được gộp qua nhiều dòng ({range}) và có điểm ở nhiều dòng "
    "({cells}): không biết điểm nào là của tiêu chí, cả tiêu chí bị để riêng."
)
SHEET_OTHER_YEAR = (
    "Sheet “{sheet}” là bảng chấm điểm năm {sheet_year}, không phải năm {year}: "
    "không đọc sheet này."
)
SHEET_HIDDEN_FORM = (
    "Sheet ẩn “{sheet}” có bảng chấm điểm nhưng không được đọc (sheet bị ẩn). Nếu đây "
    "là bảng cần nộp, hãy bỏ ẩn sheet và nộp lại."
)
SHEET_HIDDEN_FORM_USED = (
    "Bảng chấm điểm nằm trong sheet ẩn “{sheet}” (không có sheet đang hiện nào là bảng "
    "chấm điểm): vẫn đọc sheet này; hãy bỏ ẩn sheet để kiểm tra lại."
)
SHEETS_SAME_DEPARTMENT = (
    "Nhiều sheet cùng là bảng chấm điểm năm {year} của {department} và chấm cùng "
    "tiêu chí với điểm khác nhau: {sheets}{difference}. Không biết dùng sheet nào: "
    "hãy xóa sheet thừa rồi nộp lại."
)
SHEETS_DIFFER_AT = (
    " (tiêu chí {code}: ô {cell} ghi {value}, sheet “{other}” ô {other_cell} ghi "
    "{other_value})"
)
"""The first criterion two such sheets score differently, in the sentence above."""
CELL_EMPTY = "(để trống)"
"""A score cell left empty, where a message quotes cells."""
SHEET_SAME_AS = (
    "Sheet “{sheet}” có cùng mã và điểm với sheet “{first}”: chỉ đọc sheet “{first}”."
)
SHEET_PART_OF = (
    "Sheet “{sheet}” chỉ có các tiêu chí của sheet “{first}”, cùng điểm (một bản in "
    "hay bản tổng hợp của bảng): chỉ đọc sheet “{first}”."
)
SHEET_FORM_READ = "Tệp có {count} bảng chấm điểm ({sheets}): đọc tất cả."
FACTS_UNREADABLE = (
    "Không đọc được thông tin dòng/cột ẩn của tệp ({reason}): không kiểm tra được "
    "điểm ở dòng, cột bị ẩn."
)
FILE_NO_SCORES = (
    "Bảng chấm điểm chưa có điểm nào (cột điểm tự đánh giá và điểm thẩm định đều "
    "trống hoặc chỉ có “-”): tệp không dùng được, chưa đóng góp điểm nào vào tổng "
    "hợp. Hãy điền điểm rồi nộp lại."
)
CHECK_NO_CRITERIA = (
    "Không tìm thấy bộ chỉ số: hãy chỉ ra tệp bộ chỉ số bằng --criteria TỆP, hoặc "
    "đặt nó trong thư mục “criteria” cạnh tệp chấm điểm hay trong --inputs."
)

# --- a hostile or unlucky file costs one file (issue 11) ----------------------------
FILE_READER_CRASHED = (
    "Tệp làm trình đọc bảng tính bị lỗi ({why}): đã để riêng tệp này, các tệp khác "
    "vẫn được tổng hợp. Hãy mở tệp bằng Excel, lưu thành một tệp .xlsx mới rồi nộp lại."
)
READER_CRASH_REASONS: dict[str, str] = {
    "crash": "trình đọc dừng đột ngột, có thể vì cần quá {limit} MB bộ nhớ",
    "memory": "trình đọc cần quá {limit} MB bộ nhớ",
    "timeout": "đọc quá {seconds} giây chưa xong",
}
FILE_VANISHED = (
    "Tệp đã bị xoá hoặc đổi tên trong lúc tổng hợp: chưa đọc được, sẽ đọc ở lần chạy "
    "sau nếu tệp vẫn còn."
)
FILE_CHANGED_WHILE_READING = (
    "Tệp thay đổi ngay trong lúc đang đọc (có thể đang được ghi): để lại cho lần "
    "chạy sau."
)
PUBLISH_REPAIRED = (
    "Lần chạy trước ({run_at}) bị dừng giữa lúc ghi kết quả: đã ghi nốt {count} tệp "
    "còn dở ({files}); các thay đổi dưới đây so với lần tổng hợp trọn vẹn gần nhất."
)
YEAR_AND_ALL = "chỉ dùng một trong hai tùy chọn --year hoặc --all."
INTERRUPTED = (
    "Đã dừng theo yêu cầu ({signal}). Kết quả đang có vẫn dùng được; nếu đang ghi dở, "
    "lần chạy sau sẽ ghi nốt."
)


def signal_name(number: int) -> str:
    """How the sentences name the signal that stopped a command (their
    ``{signal}``: ``INTERRUPTED``, ``RUN_STOPPED_BY_SIGNAL``): Ctrl-C for SIGINT,
    else its own name (SIGTERM)."""
    return "Ctrl-C" if number == signal.SIGINT else signal.Signals(number).name


# --- province (many units) -----------------------------------------------------
PROVINCE_UNUSABLE = "Danh sách đơn vị “{file}” không dùng được:"
PROVINCE_UNREADABLE = "không đọc được tệp ({reason})."
PROVINCE_NO_TABLE = (
    "không tìm thấy sheet “Đơn vị” với các cột “Mã đơn vị”, “Tên đơn vị” và “Khối”."
)
PROVINCE_NO_UNITS = "sheet “Đơn vị” không có đơn vị nào."
PROVINCE_ROW_INCOMPLETE = "ô {cell}: dòng đơn vị thiếu “Mã đơn vị” hoặc “Khối”."
PROVINCE_DUPLICATE_CODE = "ô {cell}: mã đơn vị {code} bị lặp lại (đã có ở ô {first})."
PROVINCE_NO_GRADE_TABLE = "sheet “Xếp loại” cần các cột “Khối”, “Loại” và “Từ (%)”."
PROVINCE_BAD_GRADE = (
    "ô {cell}: mức xếp loại cần tên loại và tỷ lệ từ 0 đến 100 (%), không phải "
    "“{value}”."
)
PROVINCE_GRADE_UNKNOWN_GROUP = (
    "ô {cell}: khối “{group}” không có đơn vị nào trong sheet “Đơn vị”."
)
PROVINCE_SHEET_HIDDEN = (
    "Sheet “{sheet}” của {file} đang bị ẩn; parindex vẫn đọc sheet này."
)
PROVINCE_GROUP_OWN_GRADES = (
    "Khối “{group}” có mức xếp loại riêng trong sheet “Xếp loại” ({own}): các mức "
    "dùng chung ({common}) không áp dụng cho khối này."
)
PROVINCE_UNREGISTERED_FOLDER = (
    "Thư mục “units/{folder}” không có trong danh sách đơn vị (don-vi.xlsx): "
    "không tổng hợp."
)
CHECK_UNREGISTERED_UNIT_FOLDER = (
    "Thư mục “units/{folder}” không có trong danh sách đơn vị (don-vi.xlsx): lần "
    "chạy hằng đêm không tổng hợp thư mục này. Tệp được kiểm tra theo bộ chỉ số "
    "“{criteria}” (trong criteria/ của tỉnh, bộ áp dụng từ năm gần nhất; nhiều bộ "
    "cùng năm thì bộ xếp sau cùng theo tên), có thể không phải bộ của đơn vị: đăng "
    "ký đơn vị trong don-vi.xlsx để kiểm tra theo khối của nó."
)
CHECK_PROVINCE_SET_GUESSED = (
    "“{inputs}” là thư mục của một tỉnh (có don-vi.xlsx và units/), mà tệp không "
    "nằm trong thư mục của đơn vị nào (units/<mã đơn vị>/): tệp được kiểm tra theo "
    "bộ chỉ số “{criteria}” (trong criteria/ của tỉnh, bộ áp dụng từ năm gần nhất; "
    "nhiều bộ cùng năm thì bộ xếp sau cùng theo tên), có thể không phải bộ của đơn "
    "vị. Hãy kiểm tra tệp đặt trong thư mục của đơn vị, hoặc chỉ rõ bộ chỉ số bằng "
    "--criteria."
)
PROVINCE_UNITS_AHEAD = (
    "Kết quả riêng của {count} đơn vị đã được ghi sau lần hoàn thành đó, chưa được "
    "tính trong bảng tổng hợp và tóm tắt của tỉnh: {units}."
)
PROVINCE_UNITS_PUBLISHED_BEFORE_FAILURE = (
    "Kết quả riêng của {count} đơn vị đã được ghi trong lần chạy này, trước khi "
    "dừng: {units}; bảng tổng hợp và tóm tắt của tỉnh chưa tính các kết quả đó."
)
PROVINCE_NO_CRITERIA = (
    "Không có bộ chỉ số nào của khối “{group}” (hoặc dùng chung) áp dụng cho năm "
    "{year} trong “{folder}”."
)
PROVINCE_UNITS_FOLDER_MISSING = (
    "Không có thư mục “{folder}” của tỉnh (danh sách đơn vị {register} có ở đây): "
    "ổ chung chưa kết nối, hoặc thư mục đã bị đổi tên hay chuyển đi. Chưa tổng "
    "hợp; kết quả lần trước vẫn nguyên vẹn."
)
PROVINCE_UNITS_FOLDER_UNREADABLE = (
    "Không đọc được thư mục “{folder}” của tỉnh ({reason}). Chưa tổng hợp; kết "
    "quả lần trước vẫn nguyên vẹn."
)
PROVINCE_NO_YEAR = (
    "Không đơn vị nào có thư mục nộp bài của năm {year} trong “{folder}/<mã đơn vị>/”."
)
PROVINCE_NO_FOLDER = "Đơn vị chưa có thư mục nộp bài năm {year} ({folder})."
PROVINCE_LAST_YEAR_SAID = "Về năm {year}: {said}"
PROVINCE_PREVIOUS_TWO_BASES = (
    "Tổng điểm năm {year} so sánh là số công bố ({published} điểm); tính từ các "
    "tiêu chí trong thư mục năm {year} của đơn vị: {computed} điểm."
)
PROVINCE_LAST_YEAR_FOLDER_UNUSED = (
    "thư mục năm {year} của đơn vị không có tệp chấm điểm nào dùng được: tổng điểm "
    "năm trước chỉ lấy từ số công bố trong history.xlsx (nếu có)."
)
PROVINCE_LAST_YEAR_FOLDER_INCOMPLETE = (
    "thư mục năm {year} của đơn vị chỉ có điểm {scored}/{leaves} tiêu chí, không "
    "cho tổng điểm năm {year}: tổng điểm năm trước chỉ lấy từ số công bố trong "
    "history.xlsx (nếu có)."
)
PROVINCE_NOTHING_USED = "Đơn vị không có tệp chấm điểm nào dùng được năm {year}."
PROVINCE_UNIT_UNSCORED = (
    "Còn {unscored}/{leaves} tiêu chí chưa có điểm (tính 0 điểm): tổng điểm, xếp "
    "hạng và mức tăng/giảm chưa đủ các tiêu chí."
)
PROVINCE_ALSO_UNUSABLE = "Tệp đã nộp nhưng không dùng được: {files}"
PROVINCE_ONLY_OTHER_FILES = "Thư mục chỉ có: {files}"
PROVINCE_NOTHING_USABLE = (
    "Đơn vị đã nộp nhưng không có tệp nào dùng được năm {year}: {files}"
)
PROVINCE_NOTHING_USED_PENDING = (
    "Đơn vị không có tệp chấm điểm nào dùng được năm {year}: có tệp vừa được sửa, có "
    "thể đang được ghi, để lại cho lần chạy sau ({files})."
)
PROVINCE_UNIT_FAILED = "Không tổng hợp được đơn vị: {reason}"
PROVINCE_UNIT_FOLDER_UNREADABLE = (
    "Không đọc được thư mục của đơn vị “{folder}” ({reason}): đơn vị không được "
    "tổng hợp. Hãy cấp quyền đọc thư mục này cho tài khoản chạy parindex rồi chạy lại."
)
PROVINCE_CHANGES_TITLE = "Thay đổi so với lần chạy trước:"
PROVINCE_STATUS_WORDS = {
    "final": "chính thức",
    "provisional": "tạm tính",
    "missing": "chưa nộp",
    "unusable": "đã nộp, tệp không dùng được",
    "failed": "không tổng hợp được",
}
# --- the Prefect server and the run's record (parindex/server.py, run_record.py) ----
SERVER_UNREACHABLE = (
    "Không kết nối được máy chủ Prefect tại {url} ({reason}): hãy khởi động máy chủ "
    "đó, hoặc bỏ biến PREFECT_API_URL để parindex tự chạy máy chủ riêng trên máy này."
)
SERVER_NOT_STARTED = (
    "Không khởi động được máy chủ Prefect cục bộ của parindex (thư mục {home}): "
    "{reason}"
)
SERVER_CANNOT_LAUNCH = "không chạy được chương trình {program} ({reason})."
SERVER_STARTING = (
    "Đang khởi động máy chủ Prefect cục bộ (lần đầu, có thể mất vài chục giây; "
    "các lần sau dùng lại): {home}"
)
SERVER_WAITING = (
    "Chưa kết nối được máy chủ Prefect tại {url} ({reason}), lần thử {attempt}; "
    "thử lại sau {seconds} giây…"
)
SERVER_RUNNING = "Máy chủ Prefect cục bộ đang chạy: {url} (pid {pid}, Prefect {version}, từ {started_at}); dữ liệu: {home}"
SERVER_NOT_ANSWERING = (
    "Máy chủ Prefect cục bộ đã ghi nhận (pid {pid}, {url}) nhưng không trả lời."
)
SERVER_NONE = (
    "Không có máy chủ Prefect cục bộ nào của parindex đang chạy (thư mục {home})."
)
SERVER_STOPPED = "Đã dừng máy chủ Prefect cục bộ (pid {pid}, {url})."
SERVER_CONFIGURED = "PREFECT_API_URL đang trỏ tới {url}: parindex dùng máy chủ đó, không dùng máy chủ cục bộ."
RUN_CLEAN = "Hoàn thành"
RUN_WITH_ERRORS = "Hoàn thành, có lỗi"
RUN_WITH_MISSING = "Hoàn thành, thiếu đơn vị"
RUN_WITH_ERRORS_AND_MISSING = "Hoàn thành, có lỗi và thiếu đơn vị"
RUN_FAILED = "Thất bại"
RUN_CRASHED = "Bị gián đoạn"
RUN_COUNTS = "{errors} lỗi, {warnings} cảnh báo"
RUN_MISSING_COUNT = "{count} đơn vị chưa nộp ({codes})"
RUN_CRASHED_ERROR = (
    "tiến trình chạy (pid {pid}, bắt đầu lúc {started_at}) đã dừng đột ngột trước khi "
    "xong (bị tắt, bị kill hoặc máy khởi động lại)."
)
RUN_CRASH_FOUND = (
    "Lần chạy {flow_run} bắt đầu lúc {started_at} đã bị gián đoạn giữa chừng; "
    "đã ghi nhận là Crashed ({record})."
)
RUN_LAUNCH_CRASH_FOUND = (
    "Lần chạy của tiến trình pid {pid} bắt đầu lúc {started_at} đã dừng đột ngột "
    "trước khi Prefect tạo flow run cho nó; đã ghi nhận là Crashed ({record})."
)
RUN_TIMED_OUT = "chạy quá {seconds} giây nên bị dừng."
RUN_STOPPED_BY_SIGNAL = "đã bị dừng bằng tín hiệu {signal} trước khi xong."
RUN_PROCESS_EXITED = (
    "tiến trình chạy đã dừng với mã thoát {code} trước khi xong (Prefect: {message})."
)
STATUS_TITLE = "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC NĂM {year}"
STATUS_REWRITTEN = "(tệp này được parindex ghi lại sau mỗi lần chạy)"
STATUS_NO_COMPLETE_RUN = "Chưa có lần chạy nào hoàn thành: thư mục chưa có kết quả."
STATUS_NOT_RUN = (
    "Lần này không tổng hợp: đã dừng trước khi bắt đầu (mã thoát {exit_code}); "
    "không tệp kết quả nào được ghi."
)
INPUTS_FOLDER_MISSING = (
    "Không có thư mục đầu vào “{folder}” (thư mục chưa được tạo, hoặc ổ mạng chưa "
    "được gắn)."
)
STATUS_FILES_FROM = (
    "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất, lúc {when} "
    "(tổng điểm {total}; {errors} lỗi, {warnings} cảnh báo; biên bản {manifest})."
)
NOTIFY_DESCRIPTION = "parindex: báo khi một lần tổng hợp thất bại hoặc bị gián đoạn."
NOTIFY_SUBJECT = "parindex: lần tổng hợp {{ flow_run.name }} {{ flow_run.state.name }}"
NOTIFY_BODY = (
    "Lần tổng hợp Chỉ số CCHC {{ flow_run.name }} (mã {{ flow_run.id }}) kết thúc ở "
    "trạng thái {{ flow_run.state.name }}: {{ flow_run.state.message }}\n"
    "Tham số: {{ flow_run.parameters }}\n"
    "Xem thêm tệp TRANG-THAI.txt trong thư mục kết quả của năm."
)


# --- unit settings (inputs/don-vi.toml: the report's header block) ---------------
UNIT_SETTINGS_UNREADABLE = "Không đọc được tệp thông tin đơn vị ({reason}): {then}."
UNIT_SETTINGS_BLANKS = "báo cáo dùng chỗ trống để điền"
"""What a unit's report does without its don-vi.toml (``then`` of the two above)."""
PROVINCE_SETTINGS_UNPLACED = (
    "không biết tỉnh của các sở đăng ký không kèm tên tỉnh, nên tờ khai ghi tên một "
    "sở của tỉnh khác không bị phát hiện"
)
"""What a province run does without its own don-vi.toml's ``province``."""
UNIT_SETTINGS_SYNTAX = "sai cú pháp TOML"
UNIT_SETTINGS_SYNTAX_AT = "sai cú pháp TOML ở dòng {line}, cột {column}"
UNIT_SETTINGS_NOT_UTF8 = "tệp không được lưu theo mã UTF-8: hãy lưu lại với mã UTF-8"
UNIT_SETTINGS_UNKNOWN_KEY = (
    "Tệp thông tin đơn vị có mục “{key}” không dùng đến: bỏ qua."
)
UNIT_SETTINGS_KEY_LIKE = "Có phải là mục “{key}”?"
UNIT_SETTINGS_BAD_VALUE = (
    "Mục “{key}” của tệp thông tin đơn vị phải là {expected}: {then}."
)
RESUBMISSION_DROPPED_ROWS = (
    "Tệp mới không có điểm của {count} tiêu chí mà tệp cũ {older} đã chấm "
    "({codes}): tệp mới thay thế cả tệp cũ nên các tiêu chí này chưa có điểm. Nếu "
    "tệp mới chỉ ghi phần sửa, hãy nộp lại tệp đủ các tiêu chí."
)
WHERE_PREVIOUS_YEAR = "tệp cùng tên năm trước ({file})"


# --- the Prefect server lost during a run (cli.py, run_record.py) -----------------
RUN_API_LOST_ERROR = "mất kết nối với máy chủ Prefect tại {url} giữa chừng ({reason})."
RUN_API_LOST = (
    "Mất kết nối với máy chủ Prefect tại {url} giữa chừng ({reason}): lần chạy năm "
    "{year} được ghi là thất bại ({record}); các tệp kết quả vẫn là của lần hoàn "
    "thành gần nhất (xem TRANG-THAI.txt). Hãy khởi động lại máy chủ (parindex server "
    "start, hoặc máy chủ của đơn vị) rồi chạy lại."
)
# --- a run whose end Prefect was not told, settled at the next contact -----------
RUN_COMPLETED_UNTOLD = "Hoàn thành (tiến trình dừng trước khi báo xong)"
RUN_SETTLE_MESSAGE = (
    "Lần chạy không báo được kết thúc cho máy chủ Prefect; parindex đã ghi nhận nó "
    "là “{label}” trong biên bản {record}"
)
RUN_SETTLED = (
    "Lần chạy Prefect {flow_run} chưa báo được kết thúc: đã đặt sang {state} theo "
    "biên bản {record}."
)
RUN_SETTLE_REFUSED = (
    "Máy chủ Prefect không cho đặt lần chạy {flow_run} sang {state} ({reason}); "
    "biên bản {record} vẫn là bản đúng (đã ghi lại lời từ chối trong đó)."
)
RUN_SETTLE_UNREACHABLE = (
    "Chưa báo được cho máy chủ Prefect kết thúc của lần chạy {flow_run} ({reason}); "
    "sẽ thử lại ở lần chạy sau (biên bản {record})."
)
SERVER_STOP_IN_USE = (
    "Máy chủ Prefect cục bộ đang phục vụ {count} lần chạy ({runs}): không dừng. "
    "Chờ các lần chạy đó xong, hoặc dùng --force để dừng ngay (các lần chạy đó sẽ "
    "dừng và được ghi lại là thất bại hoặc bị gián đoạn)."
)
SERVER_SHARED = (
    "Máy chủ này dùng chung cho mọi thư mục parindex của người dùng này trên máy "
    "({home})."
)
SERVE_SERVER_LOST = (
    "Mất kết nối với máy chủ Prefect tại {url} ({reason}): lần chạy đang dở (nếu có) "
    "sẽ được ghi nhận khi máy chủ trở lại; parindex serve chờ máy chủ rồi chạy tiếp."
)
SERVE_LOCAL_SERVER_LOST = (
    "Mất kết nối với máy chủ Prefect cục bộ tại {url} ({reason}): parindex serve "
    "dừng (mã thoát 1). Hãy chạy lại parindex serve (systemd tự chạy lại); lần chạy "
    "đang dở (nếu có) sẽ được ghi nhận khi đó."
)

# --- outputs: something in the way of an output path (publish) --------------------
OUTPUT_IN_THE_WAY = (
    "Không ghi được kết quả: “{path}” đang chắn chỗ ({reason}). Chưa tệp nào được "
    "thay: kết quả lần trước vẫn nguyên vẹn. Hãy chuyển hoặc đổi tên mục này "
    "(parindex không xóa nó) rồi chạy lại."
)
OUTPUT_IN_THE_WAY_FOLDER = "đây là một thư mục, ở chỗ parindex cần ghi một tệp"
OUTPUT_IN_THE_WAY_FILE = "đây là một tệp, ở chỗ parindex cần một thư mục"
OUTPUT_IN_THE_WAY_DANGLING = (
    "đây là một liên kết (symlink) tới “{target}”, nơi không tồn tại"
)
OUTPUT_IN_THE_WAY_UNREADABLE = "không xem được mục này (không có quyền)"
PUBLISH_ROLLED_BACK = (
    "Không ghi được kết quả: việc thay tệp “{path}” thất bại ({reason}); các tệp đã "
    "thay được trả lại như lần trước, kết quả lần trước vẫn nguyên vẹn."
)
PUBLISH_NOT_ROLLED_BACK = (
    "Không ghi được kết quả: việc thay tệp “{path}” thất bại ({reason}) và không trả "
    "lại được các tệp đã thay; lần chạy sau sẽ ghi nốt bộ kết quả này."
)

# --- drop folder: a part that cannot be listed or read (discovery) ------------------
ENTRY_NO_PERMISSION = "không có quyền đọc"


def os_reason(error: OSError) -> str:
    """What a message says of ``error``: ``ENTRY_NO_PERMISSION``, else its own
    words."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return ENTRY_NO_PERMISSION
    return error.strerror or str(error)


FOLDER_UNREADABLE = (
    "Không đọc được thư mục “{folder}” ({reason}): các tệp trong đó không được "
    "tổng hợp. Hãy cấp quyền đọc thư mục này cho tài khoản chạy parindex rồi chạy lại."
)
ENTRY_UNREADABLE = (
    "Không xem được “{folder}” ({reason}): không được tổng hợp. Hãy cấp quyền đọc "
    "cho tài khoản chạy parindex rồi chạy lại."
)
YEAR_FOLDER_UNREADABLE = (
    "Không đọc được thư mục nộp bài của năm {year} “{folder}” ({reason}): chưa tổng "
    "hợp gì, kết quả lần trước giữ nguyên. Hãy cấp quyền đọc thư mục này cho tài "
    "khoản chạy parindex rồi chạy lại."
)
DEPARTMENT_FOLDER_UNREADABLE = (
    "Chưa biết đơn vị {department} đã nộp tệp chấm điểm năm {year} hay chưa: thư "
    "mục “{folder}” của đơn vị không đọc được."
)
DEPARTMENT_NOT_FOUND_PENDING = (
    "Chưa có tệp chấm điểm năm {year} nào của đơn vị {department} dùng được lần này: "
    "có tệp vừa được sửa, có thể đang được ghi, để lại cho lần chạy sau ({files}); "
    "tệp của đơn vị có thể là tệp đó."
)
DEPARTMENT_NOT_FOUND_UNREADABLE = (
    "Chưa thấy tệp chấm điểm năm {year} của đơn vị {department}; có thư mục không "
    "đọc được ({folders}), tệp của đơn vị có thể nằm trong đó."
)
FORM_OF_ANOTHER_UNIT = (
    "Tệp ghi tên đơn vị “{text}”: đó là đơn vị {code} ({name}) trong danh sách đơn "
    "vị của tỉnh, không phải đơn vị của thư mục này, nên không được tính cho đơn "
    "vị này. Nếu là tệp của {code}, hãy chuyển tệp vào thư mục units/{code}/; nếu "
    "là tệp của đơn vị này, hãy sửa tên đơn vị trong tệp."
)
OUTPUT_FILE_LOCKED = (
    "Không thay được tệp kết quả “{path}”: tệp bị khóa (chỉ đọc, chattr +i, hoặc "
    "của tài khoản khác). Hãy bỏ khóa tệp rồi chạy lại."
)
FILE_LOCKED_REASON = "tệp bị khóa: chỉ đọc, chattr +i, hoặc của tài khoản khác"
REPAIR_IN_THE_WAY = (
    "Lần chạy trước bị dừng giữa lúc ghi kết quả và chưa ghi nốt được: “{path}” đang "
    "chắn chỗ ({reason}). Hãy chuyển hoặc đổi tên mục này (parindex không xóa nó) "
    "rồi chạy lại: lần chạy sau sẽ ghi nốt bộ kết quả."
)

# --- a province night's record (parindex/province/status.py) -------------------------
PROVINCE_STATUS_TITLE = "TRẠNG THÁI TỔNG HỢP CHỈ SỐ CCHC TOÀN TỈNH NĂM {year}"
PROVINCE_RUN_PARTS = {
    "failed": "có đơn vị không tổng hợp được",
    "partial": "có đơn vị có lỗi hoặc thiếu bài nộp",
    "missing": "có đơn vị chưa nộp",
}
SCORES_FROM_OTHER_WORKBOOK = (
    "{count} ô điểm lấy số từ tệp khác qua liên kết ngoài ({cells}): parindex "
    "dùng số Excel đã lưu trong tệp này, không mở tệp kia. Nếu tệp kia đã sửa "
    "sau đó, hãy mở tệp này, cập nhật liên kết rồi lưu và nộp lại."
)
"""A form's score cells whose formulas take their value from another workbook
(``SheetFacts.external``): used as saved, said."""
PROVINCE_RUN_OWN_PROBLEMS = "cần xem các tệp của tỉnh"
"""A province run's label when its own files have a problem (listed on its page
under ``PROVINCE_OWN_PROBLEMS``)."""
PROVINCE_RUN_COUNTS = (
    "{units} đơn vị: {clean} hoàn thành, {partial} có lỗi hoặc thiếu bài nộp, "
    "{failed} không tổng hợp được, {missing} chưa nộp"
)
PROVINCE_UNIT_PROVISIONAL = "số liệu tạm tính"
"""Beside a clean unit whose figures are provisional, on the province's page."""
PROVINCE_OWN_PROBLEMS = "Cần xem ở các tệp của tỉnh:"
PROVINCE_UNITS_UNREGISTERED = (
    "Thư mục kết quả của đơn vị không còn trong danh sách đơn vị (giữ nguyên như "
    "lần chạy cuối của đơn vị, không cập nhật, không xếp hạng) ({count}):"
)
PROVINCE_STATUS_LISTS = {
    "clean": "Đơn vị hoàn thành, không lỗi, đủ bài nộp",
    "partial": "Đơn vị hoàn thành nhưng có lỗi hoặc thiếu bài nộp",
    "failed": "Đơn vị không tổng hợp được",
    "missing": "Đơn vị chưa nộp",
}
PROVINCE_STATUS_FILES = (
    "Các tệp kết quả trong thư mục là của lần chạy này (biên bản {manifest}); "
    "trạng thái riêng của từng đơn vị: units/<mã đơn vị>/{year}/TRANG-THAI.txt."
)
PROVINCE_STATUS_FILES_FROM = (
    "Các tệp kết quả trong thư mục là của lần hoàn thành gần nhất, lúc {when} "
    "(biên bản {manifest})."
)
PROVINCE_STATUS_UNITS_THEN = "theo lần hoàn thành đó"
# a department whose submission is not known (its folder, or a folder naming no
# department, could not be read): the problem list says so with one of these, and
# the summaries of who submitted list it apart (parindex/run_record.py)
SUBMISSION_UNKNOWN_MESSAGES = (
    DEPARTMENT_FOLDER_UNREADABLE,
    DEPARTMENT_NOT_FOUND_UNREADABLE,
)
RUN_UNKNOWN_COUNT = "{count} đơn vị chưa rõ đã nộp hay chưa ({codes})"
STATUS_UNKNOWN_LIST = "Đơn vị chưa rõ đã nộp hay chưa (thư mục không đọc được)"
MARKDOWN_UNKNOWN = "Chưa rõ đã nộp hay chưa"
ARTIFACT_CUT = (
    "*(Bản tóm tắt dài hơn {limit} ký tự: phần còn lại không đưa vào Prefect, "
    "xem đủ trong tệp {file}.)*"
)
RUN_UNUSABLE_COUNT = "{count} đơn vị đã nộp nhưng tệp không dùng được ({codes})"
RUN_DOUBTED_COUNT = (
    "{count} đơn vị được tính theo tệp chưa chắc là của đơn vị ({codes}): xem cảnh báo"
)
MARKDOWN_DOUBTED = "Tính theo tệp chưa chắc là của đơn vị"
STATUS_UNUSABLE_LIST = "Đơn vị đã nộp nhưng tệp không dùng được"
RUN_WAITING_COUNT = "{count} đơn vị có tệp chờ lần chạy sau ({codes})"
STATUS_WAITING_LIST = (
    "Đơn vị có tệp đang được ghi, chờ lần chạy sau (điểm chưa được tính lần này)"
)
MARKDOWN_WAITING = "Có tệp chờ lần chạy sau"
DEPARTMENT_NEWER_PENDING = (
    "Đơn vị {department} có tệp vừa được sửa, có thể đang được ghi, để lại cho lần "
    "chạy sau ({files}): lần này vẫn dùng tệp trước của đơn vị, số liệu của đơn vị "
    "có thể đổi ở lần chạy sau."
)
RUN_WITH_WAITING = "Hoàn thành, có tệp chờ lần sau"
RUN_NEWER_COUNT = (
    "{count} đơn vị có tệp mới chờ lần chạy sau, lần này dùng tệp trước ({codes})"
)
STATUS_NEWER_LIST = "Đơn vị có tệp mới chờ lần chạy sau (lần này dùng tệp trước)"
MARKDOWN_NEWER = "Có tệp mới chờ lần chạy sau"
MARKDOWN_UNUSABLE = "Đã nộp nhưng tệp không dùng được"

NOTHING_SCORED = "chưa có tiêu chí nào được chấm từ bài nộp dùng được"
"""Said of a year (or a component) none of whose criteria is scored: it has no
figure, and is not compared (README, Choices: "Nothing scored")."""
NO_SCORE = f"chưa có điểm ({NOTHING_SCORED})"
"""In place of the figure of what none of whose criteria is scored."""
NO_SCORE_SENTENCE = f"Chưa có điểm ({NOTHING_SCORED})."
"""The same, as a sentence of its own."""
OFFICE_FACTS_UNREADABLE = (
    "Không đọc được thông tin dòng/cột ẩn của tệp {file} ({reason}): tệp được đọc "
    "như thể không có dòng, cột nào bị ẩn. Nếu tệp có dòng hoặc cột ẩn, hãy bỏ ẩn "
    "hoặc xóa chúng rồi chạy lại."
)
