"""The records of the 整合性確認用本人確認情報 (住基法第14条): one layout, two recipients.

The snapshot already holds exactly the file's population (every resident and every 消除者 except those removed
by death); sorted by 住民票コード, the same snapshot always gives the same bytes. The prefecture's copy and
J-LIS's differ only in the header's 宛先区分 and 宛先コード.
"""

from __future__ import annotations

import polars as pl

from juki.city import CityConfig
from juki.layout import load_layout

LAYOUT = "seigo_kakunin"
PREFECTURE, JLIS = "1", "2"  # 宛先区分
JLIS_CODE = "000000"  # 宛先コード of J-LIS (the prefecture's is its own 団体コード)


def population(snapshot: pl.DataFrame) -> pl.DataFrame:
    """The snapshot's persons in 住民票コード order, with the layout's items."""
    fields = [f.id for f in load_layout(LAYOUT).data.value_fields]
    return snapshot.sort("juminhyo_code").select(fields)


def header(business_date: str, config: CityConfig, recipient: str) -> dict:
    code = config.prefecture_code if recipient == PREFECTURE else JLIS_CODE
    return {"created_on": business_date, "dantai_code": config.dantai_code, "atesaki_kubun": recipient,
            "atesaki_code": code}
