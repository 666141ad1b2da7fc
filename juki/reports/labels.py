"""Japanese labels from the layouts' own names and code tables, for what the records name by identifier."""

from __future__ import annotations

from functools import cache

from juki.checks.catalogue import message_ja
from juki.layout import load_layout
from juki.layout.codes import table

# the diff's kinds of change, by the 異動 kind (記載・消除・修正) of layouts/codes/ido_jiyu.csv they are
CHANGE_KINDS = {"added": "記載（新たに記載された人）", "removed": "消除（消除された人）",
                "changed": "修正（記載事項の変更）", "code_changed": "修正（住民票コードの変更）"}
SEVERITY = {"error": "エラー", "warning": "警告"}


def change_kind(kind: str) -> str:
    return CHANGE_KINDS.get(kind, kind)


@cache
def ido_jiyu_names() -> dict[str, str]:
    return {r["code"]: r["name"] for r in table("ido_jiyu").rows}


def ido_jiyu(code: str) -> str:
    return ido_jiyu_names().get(code, f"コード {code}")


@cache
def field_names(layout: str) -> dict[str, str]:
    fields = [f for rt in load_layout(layout).records.values() for f in rt.fields]
    return {f.id: f.name for f in fields}


def field(layout: str, field_id: str | None) -> str:
    if not field_id:
        return "—"
    return field_names(layout).get(field_id, field_id)


def rule(rule_id: str) -> str:
    try:
        return message_ja(rule_id)
    except KeyError:
        return "（規則の説明がありません）"
