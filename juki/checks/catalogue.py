"""Every rule juki checks: its identifier, its default severity and what a clerk is told.

Messages say what is wrong, never the value: "check digit does not match", not the number. The explanation is
what the report prints once per rule. A rule missing here is a programming error caught by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from juki import rejects as rj
from juki.rejects import ERROR, WARNING


@dataclass(frozen=True)
class Rule:
    """A rule as people meet it (after frictionless's error types: a code, a message, a description)."""

    severity: str
    message: str
    explanation: str
    id: str = ""

    def rejects(self, frame: pl.DataFrame, field: str, key: str | None = None) -> pl.DataFrame:
        """One reject of this rule for each row of ``frame`` (its ``record_no``, and ``key`` where a record number
        cannot say which person), in the shape of juki.rejects: never a value."""
        return rejects_where(frame.select(
            pl.col("record_no").cast(pl.Int64), pl.lit(field).alias("field"),
            pl.lit(None, pl.Int64).alias("offset"), pl.lit(self.id).alias("rule"),
            (pl.col(key) if key else pl.lit(None, pl.String)).alias("key")))


RULES: dict[str, Rule] = {
    # the codec (bytes → values)
    "codec.not_cp932": Rule(ERROR, "field holds bytes that are not valid CP932",
                            "The bytes are not a character in CP932 (Shift_JIS with Microsoft's extensions)."),
    "codec.split_character": Rule(ERROR, "the field boundary splits a double-byte character",
                                  "A kanji's two bytes straddle two fields: the file's widths are not the layout's."),
    "codec.control_character": Rule(ERROR, "field holds a control character",
                                    "Tabs, line feeds and other control bytes never belong inside a field."),
    "codec.not_ascii": Rule(ERROR, "field holds a byte that is not printable ASCII",
                            "Digit, date, code and flag fields hold half-width ASCII only."),
    "codec.not_a_number": Rule(ERROR, "field is not a number", "Counts and lengths are zero-filled digits."),
    # generic, from the layout and the code tables
    "required": Rule(ERROR, "a required value is missing", "The field must not be blank in this file."),
    "unique": Rule(ERROR, "the value appears in more than one record", "Keys must identify one record each."),
    "kind.digits": Rule(ERROR, "field must hold digits only", "Identifiers and postal codes are half-width digits."),
    "kind.timestamp": Rule(ERROR, "field must be 14 digits YYYYMMDDhhmmss", "Timestamps are 14 digits."),
    "kind.flag": Rule(ERROR, "flag must be 0 or 1", "Flags are 0 or 1."),
    "kind.date": Rule(ERROR, "date does not exist", "Dates are YYYYMMDD and must exist in the calendar."),
    "kind.width": Rule(ERROR, "value is longer than its field", "The value does not fit the layout's width."),
    "code_table": Rule(ERROR, "code is not in the code table",
                       "Codes must come from the code tables under layouts/codes (index.toml)."),
    # domain rules
    "kojin_bango.check_digit": Rule(ERROR, "個人番号 check digit does not match",
                                    "The 12th digit of a 個人番号 is a check digit (総務省令第85号第5条)."),
    "kojin_bango.length": Rule(ERROR, "個人番号 must be 12 digits", "A 個人番号 has exactly 12 digits."),
    "juminhyo_code.check_digit": Rule(WARNING, "住民票コード check digit does not match the configured rule",
                                      "The formula is set by 平成14年総務省告示第436号 (施行規則第1条第2号), "
                                      "whose text this project could not confirm: the city configures it in "
                                      "city.toml, and "
                                      "failures are warnings unless the city makes them strict."),
    "juminhyo_code.length": Rule(ERROR, "住民票コード must be 11 digits", "A 住民票コード has exactly 11 digits."),
    "dantai_code.check_digit": Rule(ERROR, "地方公共団体コード check digit does not match",
                                    "The 6th digit is a check digit (JIS X 0401/0402)."),
    "dantai_code.unknown": Rule(ERROR, "地方公共団体コード is not a known municipality",
                                "The code must be one of the 1,963 real codes (layouts/codes/dantai-codes.csv)."),
    "birth_date.not_real": Rule(ERROR, "生年月日 is neither a real date nor a 不詳 date",
                                "Birth dates must exist, or be 不詳 with unknown parts as 00 (e.g. 19800000)."),
    "birth_date.fusho_text": Rule(WARNING, "生年月日不詳文字 is missing on a 不詳 date, or given on a full date",
                                  "The 不詳文字 is the text shown for a partly unknown date; only a 不詳 date has one. "
                                  "Display text only: the record goes through."),
    "birth_date.fusho_mismatch": Rule(ERROR, "生年月日不詳コード does not agree with 生年月日",
                                      "A 不詳 date's code names exactly the parts that are 00; a full date has "
                                      "code 0."),
    "wareki.mismatch": Rule(ERROR, "年号コード and 日付 do not give 生年月日",
                            "The 和暦 date (era code + YYMMDD) must be the same day as the 西暦 生年月日, "
                            "and must exist in that era (平成31年5月1日 does not; 令和元年5月1日 does)."),
    "seion_kana.mismatch": Rule(ERROR, "清音化かな氏名 does not match the ふりがな",
                                "清音化かな氏名 is derived from the ふりがな by the city's 清音化 rules "
                                "(layouts/rules/seion.toml, city.toml [seion]; docs/DOMAIN.md, 清音化)."),
    "gaiji_su.mismatch": Rule(ERROR, "外字数 does not match the number of 外字 in the field",
                              "外字数 counts the user-defined characters (U+E000–U+E757) of its field."),
    "gaiji_flag.mismatch": Rule(ERROR, "外字フラグ does not agree with the fields",
                                "外字フラグ is 1 exactly when some field of the record holds a 外字."),
    "komoku_len.mismatch": Rule(ERROR, "項目長 does not match the value's length in bytes",
                                "項目長 is the CP932 byte length of the value it precedes."),
    "shojo.mismatch": Rule(ERROR, "消除フラグ does not agree with the 除票 dates",
                           "A 消除者 has a 除票異動年月日; a resident has none."),
    "ido_ymd.before_birth": Rule(ERROR, "異動年月日 is before 生年月日", "Nobody moves before being born."),
    "ido_ymd.after_file_date": Rule(ERROR, "異動年月日 is after the file's 作成年月日",
                                    "A change cannot be dated after the day the file was made."),
    "yubin_bango.length": Rule(ERROR, "郵便番号 must be 7 digits", "Postal codes are 7 digits without a hyphen."),
    "kojin_bango.duplicate_active": Rule(ERROR, "個人番号 is shared with another record that is not 消除",
                                         "Two current records must not carry the same 個人番号."),
    "gaiji.unmapped": Rule(ERROR, "外字 has no 代替文字 in the city's table",
                           "J-LIS gets 代替文字 for every 外字: add the character to daitai_moji.csv, or let the "
                           "city send it as its placeholder ([sofusaki] unmapped_gaiji in city.toml)."),
    "sofusaki.mailing_mismatch": Rule(ERROR, "対象となる人数 or 送付先 disagrees with the mailing's other records",
                                      "One 送付先管理番号 is one mailing: its records share 送付先 (郵便番号, 住所, "
                                      "氏名) and 対象となる人数 is how many records it has."),
    "ido.unexplained": Rule(ERROR, "a change that no 異動事由 explains",
                            "The record changed but its 異動事由 does not say why, and none can be inferred."),
}


RULES = {rule_id: replace(rule, id=rule_id) for rule_id, rule in RULES.items()}


# What a clerk reads in a report, rule by rule (with the rule's identifier beside it): what is wrong, never a value.
JA: dict[str, str] = {
    "codec.not_cp932": "CP932 として読めないバイトがあります",
    "codec.split_character": "項目の境界で全角文字が分断されています（ファイルの項目長が定義と違います）",
    "codec.control_character": "制御文字（タブ・改行など）が含まれています",
    "codec.not_ascii": "半角英数字以外のバイトが含まれています",
    "codec.not_a_number": "数値ではありません",
    "required": "必須項目が空欄です",
    "unique": "同じ値が複数のレコードにあります",
    "kind.digits": "数字以外の文字が含まれています",
    "kind.timestamp": "日時が14桁（YYYYMMDDhhmmss）ではありません",
    "kind.flag": "フラグが 0 または 1 ではありません",
    "kind.date": "存在しない日付です",
    "kind.width": "値が項目の長さを超えています",
    "code_table": "コード表にないコードです",
    "kojin_bango.check_digit": "個人番号の検査用数字が一致しません",
    "kojin_bango.length": "個人番号が12桁ではありません",
    "juminhyo_code.check_digit": "住民票コードの検査用数字が設定した規則と一致しません",
    "juminhyo_code.length": "住民票コードが11桁ではありません",
    "dantai_code.check_digit": "地方公共団体コードの検査用数字が一致しません",
    "dantai_code.unknown": "存在しない地方公共団体コードです",
    "birth_date.not_real": "生年月日が実在する日付でも不詳の日付でもありません",
    "birth_date.fusho_mismatch": "生年月日不詳コードと生年月日が合っていません",
    "birth_date.fusho_text": "生年月日不詳文字が不詳の生年月日にない、または不詳でない生年月日にあります"
                             "（表示用の文字のため警告）",
    "wareki.mismatch": "年号コードと日付（和暦）が生年月日と一致しません",
    "seion_kana.mismatch": "清音化かな氏名がふりがなと一致しません",
    "gaiji_su.mismatch": "外字数が項目中の外字の数と一致しません",
    "gaiji_flag.mismatch": "外字フラグが項目の内容と合っていません",
    "komoku_len.mismatch": "項目長が値のバイト数と一致しません",
    "shojo.mismatch": "消除フラグと除票の異動年月日が合っていません",
    "ido_ymd.before_birth": "異動年月日が生年月日より前です",
    "ido_ymd.after_file_date": "異動年月日がファイルの作成年月日より後です",
    "yubin_bango.length": "郵便番号が7桁ではありません",
    "kojin_bango.duplicate_active": "消除されていない別のレコードと個人番号が重複しています",
    "gaiji.unmapped": "外字に対応する代替文字が代替文字表（daitai_moji.csv）にありません",
    "sofusaki.mailing_mismatch": "同じ送付先管理番号のレコードで、対象となる人数または送付先が食い違っています",
    "ido.unexplained": "異動事由で説明できない変更です",
}


def message_ja(rule_id: str) -> str:
    """The rule's message in Japanese, looking up families (code_table.seibetsu → code_table) like rule_for."""
    return JA.get(rule_id) or JA[rule_id.split(".", 1)[0]]


def rule_for(rule_id: str) -> Rule:
    """The rule, looking up families (code_table.seibetsu → code_table) as well as exact identifiers."""
    rule = RULES.get(rule_id) or RULES[rule_id.split(".", 1)[0]]
    return rule if rule.id == rule_id else replace(rule, id=rule_id)


def rejects_where(found: pl.DataFrame, strict: frozenset[str] = frozenset()) -> pl.DataFrame:
    """Reject rows for what was found (record_no, field, offset, rule[, key]): each rule's severity and message
    from the catalogue, a warning made an error where the city made its rule ``strict``. The one place a
    reject row is made from a rule."""
    rules = found["rule"].unique().to_list()
    severity = {r: rj.ERROR if r in strict else rule_for(r).severity for r in rules}
    message = {r: rule_for(r).message for r in rules}
    return rj.conform(found.with_columns(
        pl.col("rule").replace_strict(severity, return_dtype=pl.String).alias("severity"),
        pl.col("rule").replace_strict(message, return_dtype=pl.String).alias("message")))
