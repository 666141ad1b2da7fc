"""Domain rules of the resident register, each as a polars expression builder and a scalar twin.

Pure: polars and the standard library only (no prefect, no pandera), so every stage and every test can use
them. The scalar twins are the readable reference; property tests prove the vector forms agree with them.
"""

from juki.checks.rules.checkdigit import (
    DANTAI_CODE,
    JUMINHYO_CODE_DEFAULT,
    KOJIN_BANGO,
    CheckDigitRule,
    check_digit,
    dantai_code_check_digit,
    dantai_code_is_valid,
    dantai_code_is_valid_expr,
    is_valid,
    is_valid_expr,
    juminhyo_code_is_valid,
    juminhyo_code_is_valid_expr,
    kojin_bango_check_digit,
    kojin_bango_is_valid,
    kojin_bango_is_valid_expr,
)
from juki.checks.rules.fusho import (
    FushoCode,
    FushoCodes,
    default_fusho_codes,
    wareki_fusho_to_ymd,
    wareki_fusho_to_ymd_expr,
    ymd_fits,
    ymd_fits_expr,
    ymd_is_fusho,
    ymd_is_fusho_expr,
)
from juki.checks.rules.gaiji import (
    UnmappedGaiji,
    count_gaiji,
    count_gaiji_expr,
    cp932_len,
    cp932_len_expr,
    daitai_positions_expr,
    gaiji_positions,
    gaiji_positions_expr,
    has_gaiji,
    has_gaiji_expr,
    is_gaiji,
    replace_gaiji,
    replace_gaiji_expr,
)
from juki.checks.rules.seion import seion_kana, seion_kana_expr
from juki.checks.rules.seion_table import SeionRule, SeionRules, default_seion_rules, parse_seion_rules
from juki.checks.rules.wareki import (
    Era,
    Eras,
    date_to_wareki,
    date_to_wareki_expr,
    default_eras,
    load_eras,
    wareki_to_date,
    wareki_to_ymd_expr,
    ymd_is_valid,
    ymd_is_valid_expr,
)

__all__ = [
    # checkdigit
    "CheckDigitRule",
    "DANTAI_CODE",
    "JUMINHYO_CODE_DEFAULT",
    "KOJIN_BANGO",
    "check_digit",
    "dantai_code_check_digit",
    "dantai_code_is_valid",
    "dantai_code_is_valid_expr",
    "is_valid",
    "is_valid_expr",
    "juminhyo_code_is_valid",
    "juminhyo_code_is_valid_expr",
    "kojin_bango_check_digit",
    "kojin_bango_is_valid",
    "kojin_bango_is_valid_expr",
    # wareki
    "Era",
    "Eras",
    "date_to_wareki",
    "date_to_wareki_expr",
    "default_eras",
    "load_eras",
    "wareki_to_date",
    "wareki_to_ymd_expr",
    "ymd_is_valid",
    "ymd_is_valid_expr",
    # fusho
    "FushoCode",
    "FushoCodes",
    "default_fusho_codes",
    "wareki_fusho_to_ymd",
    "wareki_fusho_to_ymd_expr",
    "ymd_fits",
    "ymd_fits_expr",
    "ymd_is_fusho",
    "ymd_is_fusho_expr",
    # seion
    "SeionRule",
    "SeionRules",
    "default_seion_rules",
    "parse_seion_rules",
    "seion_kana",
    "seion_kana_expr",
    # gaiji
    "UnmappedGaiji",
    "count_gaiji",
    "count_gaiji_expr",
    "cp932_len",
    "cp932_len_expr",
    "daitai_positions_expr",
    "gaiji_positions",
    "gaiji_positions_expr",
    "has_gaiji",
    "has_gaiji_expr",
    "is_gaiji",
    "replace_gaiji",
    "replace_gaiji_expr",
]
