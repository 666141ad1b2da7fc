"""The city configuration (city.toml): 団体コード, the fixed fields of 送付先情報, the 住民票コード rule, 代替文字, how
送付先情報 addresses a mailing, and the city's 清音化 choices.

Not personal data. `juki sample` writes the sample city's next to its data; commands that take ``--config`` fall
back to the city.toml beside their input, so a city keeps one configuration with its files.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from juki.checks.rules.checkdigit import JUMINHYO_CODE_DEFAULT, CheckDigitRule, dantai_code_is_valid
from juki.checks.rules.seion_table import SeionRules, default_seion_rules
from juki.errors import LayoutError

CONFIG_NAME = "city.toml"


@dataclass(frozen=True)
class Place:
    name: str
    yubin_bango: str
    jusho: str
    denwa: str


ADDRESSEES = ("setainushi", "person")
UNMAPPED = ("reject", "placeholder")


@dataclass(frozen=True)
class SofusakiPolicy:
    """[sofusaki] of city.toml (docs/DOMAIN.md, 送付先情報).

    addressee: whom a mailing is addressed to (送付先氏名): the household's 世帯主 (default) or the person.
    unmapped_gaiji: a 外字 the 代替文字 table lacks: "reject" the person (default; the city adds the character and
    runs again) or send them with ``placeholder`` in its place and 代替文字変換結果 2.
    """

    addressee: str = "setainushi"
    unmapped_gaiji: str = "reject"
    placeholder: str = "〓"


@dataclass(frozen=True)
class CityConfig:
    dantai_code: str
    name: str
    prefecture_code: str
    office: Place
    kofu_basho: Place
    card_sofu_basho: Place
    operator_id: str = "JUKIETL"
    terminal_id: str = "BATCH01"
    juminhyo_rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT
    juminhyo_strict: bool = False
    daitai_moji: dict[str, str] = field(default_factory=dict)
    path: str = ""
    johyo_years: int = 150  # 除票 retention (住民基本台帳法施行令第34条)
    keep_generations: int = 7  # runs kept per job by `juki purge`
    sofusaki: SofusakiPolicy = field(default_factory=SofusakiPolicy)
    seion: SeionRules = field(default_factory=default_seion_rules)  # [seion]: the city's 清音化 switches


def default_config_path(input_location) -> Path:
    """city.toml beside the input (a URL's input has no such neighbour: then the working directory's)."""
    from juki.storage import local_path  # noqa: PLC0415 - storage is heavier than config needs

    local = local_path(input_location)
    return (local.parent if local is not None else Path.cwd()) / CONFIG_NAME


def load_config(path) -> CityConfig:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(str(path), ["city configuration not found (give --config, or put city.toml beside "
                                      "the input)"]) from None
    except IsADirectoryError:
        raise LayoutError(str(path), ["the city configuration given is a folder, not a city.toml file"]) from None
    except UnicodeDecodeError:
        raise LayoutError(str(path), ["not a city configuration: it is not TOML text (UTF-8); give the city.toml "
                                      "file with --config"]) from None
    except tomllib.TOMLDecodeError as e:
        raise LayoutError(str(path), [f"the city configuration is not valid TOML ({e})"]) from None
    except OSError as e:
        raise LayoutError(str(path), [f"cannot read the city configuration ({e.strerror or type(e).__name__})"]) \
            from None
    problems: list[str] = []
    for key in ("dantai_code", "name", "prefecture_code", "yubin_bango", "jusho", "denwa"):
        if key not in raw:
            problems.append(f"missing {key!r}")
    for key in ("dantai_code", "prefecture_code"):
        if key in raw and not dantai_code_is_valid(str(raw[key])):
            problems.append(f"{key} is not a valid 地方公共団体コード (check digit)")
    places = {}
    for key in ("kofu_basho", "card_sofu_basho"):
        spec = raw.get(key, {})
        missing = [k for k in ("name", "yubin_bango", "jusho", "denwa") if k not in spec]
        if missing:
            problems.append(f"[{key}] lacks {', '.join(missing)}")
        places[key] = Place(**{k: str(spec.get(k, "")) for k in ("name", "yubin_bango", "jusho", "denwa")})
    rule_spec = raw.get("juminhyo_code", {})
    try:
        rule = CheckDigitRule(tuple(rule_spec.get("weights", JUMINHYO_CODE_DEFAULT.weights)),
                              rule_spec.get("remainder", JUMINHYO_CODE_DEFAULT.remainder), "住民票コード")
    except ValueError as e:
        problems.append(f"[juminhyo_code]: {e}")
        rule = JUMINHYO_CODE_DEFAULT
    sofusaki = _sofusaki(raw.get("sofusaki", {}), problems)
    try:
        seion = default_seion_rules().choose(raw.get("seion", {}))
    except ValueError as e:
        problems.append(str(e))
        seion = default_seion_rules()
    retention = raw.get("retention", {})
    daitai = _load_daitai(path.parent / raw["daitai_moji"], problems) if raw.get("daitai_moji") else {}
    if problems:
        raise LayoutError(str(path), problems)
    office = Place(raw["name"], str(raw["yubin_bango"]), raw["jusho"], raw["denwa"])
    return CityConfig(str(raw["dantai_code"]), raw["name"], str(raw["prefecture_code"]), office,
                      places["kofu_basho"], places["card_sofu_basho"], raw.get("operator_id", "JUKIETL"),
                      raw.get("terminal_id", "BATCH01"), rule, bool(rule_spec.get("strict", False)), daitai,
                      str(path), int(retention.get("johyo_years", 150)), int(retention.get("keep_generations", 7)),
                      sofusaki, seion)


def _sofusaki(spec: dict, problems: list[str]) -> SofusakiPolicy:
    policy = SofusakiPolicy(**{k: str(v) for k, v in spec.items() if k in SofusakiPolicy.__dataclass_fields__})
    unknown = sorted(set(spec) - set(SofusakiPolicy.__dataclass_fields__))
    if unknown:
        problems.append(f"[sofusaki]: unknown keys {', '.join(unknown)}")
    if policy.addressee not in ADDRESSEES:
        problems.append(f"[sofusaki] addressee must be one of {ADDRESSEES}")
    if policy.unmapped_gaiji not in UNMAPPED:
        problems.append(f"[sofusaki] unmapped_gaiji must be one of {UNMAPPED}")
    if not policy.placeholder or any(0xE000 <= ord(c) <= 0xF8FF for c in policy.placeholder):
        problems.append("[sofusaki] placeholder must be ordinary characters")
    return policy


def _load_daitai(path: Path, problems: list[str]) -> dict[str, str]:
    """The city's 外字 → 代替文字 table: `gaiji` as U+E000, `daitai` the replacement text (no 外字 in it)."""
    table = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(line for line in fh if not line.startswith("#")), start=2):
                code = row.get("gaiji", "")
                try:
                    ch = chr(int(code.removeprefix("U+"), 16))
                except ValueError:
                    problems.append(f"{path.name} line {i}: gaiji must look like U+E000")
                    continue
                if not 0xE000 <= ord(ch) <= 0xE757:
                    problems.append(f"{path.name} line {i}: {code} is not in the 外字 area U+E000–U+E757")
                elif not row.get("daitai") or any(0xE000 <= ord(c) <= 0xF8FF for c in row["daitai"]):
                    problems.append(f"{path.name} line {i}: daitai must be ordinary characters")
                else:
                    table[ch] = row["daitai"]
    except OSError as e:
        problems.append(f"cannot read {path.name}: {e.strerror}")
    return table
