"""The registry of cities (juki/registry.py): real codes, checked on load, one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from juki.checks.rules.checkdigit import dantai_code_is_valid
from juki.errors import LayoutError, UsageError
from juki.registry import SIZE_CLASSES, dantai_codes, load_registry, municipalities, size_class_for


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cities.toml"
    path.write_text(text, encoding="utf-8")
    return path


def city(code: str, name: str, size: str = "S", inbox: str | None = None, workdir: str | None = None,
         **more: str) -> str:
    lines = ["[[city]]", f'dantai_code = "{code}"', f'name = "{name}"', f'size = "{size}"',
             f'inbox = "{inbox or code + "/inbox"}"', f'workdir = "{workdir or code + "/work"}"']
    return "\n".join(lines + [f'{k} = "{v}"' for k, v in more.items()]) + "\n\n"


def problems(path: Path) -> list[str]:
    with pytest.raises(LayoutError) as e:
        load_registry(path)
    found = e.value.problems
    head = f"{path}: {found[0]}" if len(found) == 1 else f"{path}: {len(found)} problem(s):"
    assert str(e.value).startswith(head)  # one problem is one line; several are counted, then listed
    return found


def test_the_code_table_has_every_municipality():
    codes = dantai_codes()
    assert len(codes) == 1963 - 47  # the prefectures run no register
    assert len(municipalities()) == 1741  # 市町村 and 特別区; a 政令指定都市 once, without its 175 wards
    assert all(dantai_code_is_valid(c) for c in codes)
    assert codes["042021"].name == "石巻市" and codes["042021"].prefecture_code == "040002"
    assert "011011" in codes and "011011" not in {m.code for m in municipalities()}  # 札幌市中央区 is a ward
    assert {"011002", "131016"} <= {m.code for m in municipalities()}  # 札幌市, 千代田区


def test_a_good_registry_loads_with_paths_from_its_folder(tmp_path):
    path = write(tmp_path, city("042021", "石巻市", "M", outbox="sftp://pref.example/in/042021")
                 + city("011002", "札幌市", "XL", inbox="/srv/sapporo/in", workdir="file:///srv/sapporo/work"))
    reg = load_registry(path)
    assert reg.codes == ("042021", "011002")
    ishinomaki = reg.city("042021")
    assert ishinomaki.inbox == str(tmp_path / "042021" / "inbox")
    assert ishinomaki.workdir == str(tmp_path / "042021" / "work")
    assert ishinomaki.outbox == "sftp://pref.example/in/042021"
    assert ishinomaki.input_for("20260402") == f"{tmp_path}/042021/inbox/juki_daicho_20260402.dat"
    assert ishinomaki.config_path == f"{tmp_path}/042021/inbox/city.toml"
    assert reg.city("011002").workdir == "file:///srv/sapporo/work"
    assert reg.select(["011002"]) == (reg.city("011002"),)
    with pytest.raises(UsageError, match="not in the registry .*: 999999"):
        reg.select(["999999"])


def test_every_problem_is_one_line(tmp_path):
    path = write(tmp_path, city("042022", "石巻市")  # wrong check digit
                 + city("049905", "某市")  # right check digit, no municipality
                 + city("041009", "石巻市")  # 仙台市's code under another name
                 + city("011002", "札幌市", "XXL")
                 + city("011002", "札幌市", inbox="x/in", workdir="x/work")
                 + city("131016", "千代田区", workdir="s3://bucket/work")
                 + city("132012", "八王子市", workdir="shared") + city("132021", "立川市", workdir="shared/")
                 + city("132039", "武蔵野市", workdir="nest") + city("132047", "三鷹市", workdir="nest/inner")
                 + city("132055", "青梅市", inbox="in") + city("132063", "府中市", inbox="in")
                 + '[[city]]\ndantai_code = "132071"\nname = "昭島市"\nzone = "east"\n')
    found = problems(path)
    assert not dantai_code_is_valid("042022") and dantai_code_is_valid("049905")
    assert found == [
        "city 1 (042022): not a 団体コード (six digits with a check digit)",
        "city 2 (049905): no municipality has this 団体コード (layouts/codes/dantai-codes.csv)",
        "city 3 (041009): name '石巻市' is not this code's (仙台市)",
        "city 4 (011002): size 'XXL' is not a size class (S, M, L, XL)",
        "city 6 (131016): the workdir must be a filesystem path (runs are published by renaming folders in it), "
        "not a URL",
        "city 13 (132071): unknown key 'zone' (known: config, dantai_code, inbox, name, outbox, size, workdir)",
        "city 13 (132071): missing 'size'",
        "city 13 (132071): missing 'inbox'",
        "city 13 (132071): missing 'workdir'",
        "city 011002: listed twice",
        f"cities 132012 and 132021 share one workdir ({tmp_path}/shared): each city needs its own",
        f"cities 132039 and 132047 have nested workdirs ({tmp_path}/nest): each city needs its own",
        f"cities 132055 and 132063 share one inbox ({tmp_path}/in): each city needs its own",
    ]
    assert all("\n" not in p for p in found)


def test_an_unreadable_or_empty_registry_is_one_line(tmp_path):
    assert problems(tmp_path / "missing.toml") == ["registry of cities not found"]
    assert problems(write(tmp_path, "[[city]\n"))[0].startswith("cannot read the registry: ")
    assert problems(write(tmp_path, "title = 'x'\n")) == [
        "unknown top-level key 'title': cities are [[city]] tables", "no [[city]] table: the registry lists no city"]


def test_size_classes_cover_every_city():
    assert [size_class_for(n) for n in (1, 100_000, 100_001, 1_000_000, 3_700_000)] == ["S", "S", "M", "L", "XL"]
    memory = [c.memory_gib for c in SIZE_CLASSES.values()]
    assert memory == sorted(memory) and SIZE_CLASSES["L"].memory_gib >= 3.0  # a 1M city peaks near 3 GB


def test_cli_check_lists_the_cities_or_its_problems(tmp_path, cli):
    good = write(tmp_path, city("042021", "石巻市"))
    done = cli("cities", "check", good)
    assert done.code == 0 and "1 cities, no problem found" in done.out and "042021 石巻市" in done.out
    bad = write(tmp_path, city("042021", "石巻市") + city("042021", "石巻市", inbox="b", workdir="c"))
    done = cli("cities", "check", bad)
    assert done.code == 2
    assert done.err == f"juki: {bad}: city 042021: listed twice\n"
