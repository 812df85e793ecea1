"""Synthetic seed-000-shaped batches of any size: a registry file and a batch spec, both plain YAML.

The shape follows seed 000 (黑龙江 2023-256): 省直 units and prefectures (市本级 with institutions,
counties), four projects (one with lettered parts a+b+c), a 20-column allocation matrix with
three child tables (one with a formula row, one with non-additive 其中 rows), target tables
for every paid leaf row of the matrix (project / city / county layouts, via indicator_sets),
a filing form and a letter. `units` counts every unit of the registry; about 65% of them get a
target table, so the document grows in proportion to the batch.

    python bench/synthetic.py 1000 /tmp/batch      # writes /tmp/batch/registry-1000.yaml and batch-1000.yaml
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

import yaml

PER_PREFECTURE = 10  # prefecture, 市本级, 2 institutions, 6 counties
COUNTIES = 6

PROJECTS = [
    {"id": "clinic", "name": "国家临床重点专科能力建设"},
    {"id": "occ", "name": "职业病防治能力提升", "parts": [
        {"key": "a", "name": "职业病诊疗康复机构能力提升项目"},
        {"key": "b", "name": "市级疾控中心职业卫生放射卫生实验室检测能力提升项目"},
        {"key": "c", "name": "绩效", "perf": True}]},
    {"id": "fuyou", "name": "妇幼保健机构能力建设"},
    {"id": "county", "name": "县域医疗卫生机构能力建设"},
]

ALL4 = ["due", "advance", "this", "perf"]

INDICATOR_SETS = {
    "prov": {
        "goal": "支持{{ unit.name }}提升专科服务能力，安排资金{{ amount }}万元，建设重点专科，提高诊疗水平。",
        "indicators": [
            ["数量指标", "支持建设的重点专科数量", "≥1个"],
            ["数量指标", "开展新技术新项目数量", "≥3项"],
            ["质量指标", "专科诊疗规范执行率", "≥95%"],
            ["时效指标", "资金拨付及时率", "100%"],
            ["社会效益指标", "区域医疗服务能力", "逐年提升"],
            ["服务对象满意度指标", "患者满意度", "≥90%"],
        ],
    },
    "city": {
        "goal": "通过投入{{ amount }}万元，提升市级疾控中心职业卫生、放射卫生检测能力和妇幼保健服务能力。",
        "indicators": [
            ["数量指标", "受支持的市级疾控中心数量", "1个"],
            ["数量指标", "受支持的妇幼保健机构数量", "≥1个"],
            ["质量指标", "实验室检测能力达标率", "≥90%"],
            ["时效指标", "项目按期完成率", "≥95%"],
            ["社会效益指标", "职业病危害因素监测覆盖率", "较上一年提高5%"],
            ["可持续影响指标", "职业健康服务能力", "持续提升"],
            ["服务对象满意度指标", "服务对象满意度", "≥85%"],
        ],
    },
    "county": {
        "goal": "通过向县级医院投入{{ amount }}万元，改善基础设施条件，提升县域医疗卫生服务能力。",
        "indicators": [
            ["数量指标", "受支持的县级医院数量", "1家"],
            ["质量指标", "县域内住院量占比", "≥65%"],
            ["时效指标", "项目完成时间", "2023年12月31日前"],
            ["社会效益指标", "县域就诊率", "≥90%"],
            ["服务对象满意度指标", "患者满意度", "≥90%"],
        ],
    },
}

NOTICE = {
    "issuer": "合成省财政厅",
    "mark": "合成省财政厅文件",
    "doc_number": {"agency": "合财指（社）", "year": 2023, "seq": 256},
    "year": 2023,
    "fund_level": "中央财政",
    "program": "医疗服务与保障能力提升（医疗卫生机构能力建设）",
    "title_with_issuer": True,
    "addressees": "各市（地）、县（市）财政局，省直有关单位",
    "body": [
        ("经省政府同意，现将{{ fund_name }}{{ amount }}万元下达你市县、单位（具体金额详见附件{{ att.alloc }}）。"
        "现就有关事宜通知如下："),
        ("此项资金收入列{{ year }}年政府收支分类科目“{{ revenue_code }}-医疗卫生共同财政事权转移支付收入”，"
        "支出列{{ year }}年政府收支分类科目“210-卫生健康支出”。你市县（单位）要按照有关规定和国库集中支付、"
        "政府采购制度规定，用于提升医疗卫生机构能力建设和服务水平，严禁挤占、截留、挪用。"),
        ("此项资金中央补助资金部分列入直达资金管理，该项直达资金的标识为“01中央直达资金”，此标识贯彻资金分配、"
        "拨付、使用等整个环节，且保持不变。"),
        ("此项资金由省卫生健康委员会组织开展全过程预算绩效管理；请按照附件{{ att.targets_project }}、"
        "附件{{ att.targets_region }}所列绩效目标做好绩效运行监控。"),
        ("请省直有关资金使用单位确定1名此项资金财会监督责任人，于收文{{ days }}日内将加盖单位公章的"
        "《{{ att_title.filing }}》（附件{{ att.filing }}）报省卫生健康委员会备案。"),
    ],
    "slots": {"revenue_code": "1100249", "days": "5"},
    "disclosure": "依申请公开",
    "cc": ["财政部合成省监管局", "各市（地）、县（市）卫生健康委（局）"],
    "printer": "合成省财政厅办公室",
    "print_date": "2023-06-29",
    "signature": "合成省财政厅",
    "sign_date": "2023-06-29",
    "copies": 20,
}


def _attachments() -> list[dict]:
    """The seed-000 attachment list: matrix (with children 1-1…1-3), two target attachments, form, letter."""
    matrix_columns = [
        "code",
        {"unit": "拨付单位"},
        {"measure": "due", "label": "应补助资金"},
        {"measure": "advance"},
        {"measure": "this"},
        {"measure": "perf"},
        {"project": "clinic", "measures": ["this", "perf"]},
        {"project": "occ", "measures": ALL4},
        {"project": "fuyou", "measures": ALL4},
        {"project": "county", "measures": ALL4},
    ]
    return [
        {"kind": "allocation_table", "key": "alloc",
         "title": "{{ year }}年医疗卫生机构能力建设补助资金（第二批）分配明细表",
         "columns": matrix_columns,
         "rows": {"total_label": "总计", "group_labels": {"province": "省直合计", "cities": "地市合计"},
                  "levels": ["province_unit", "prefecture", "city_body", "county"],
                  "labels": {"prefecture": "{name}小计"},
                  "show_empty": ["prefecture", "city_body", "county"]},
         "children": [
             {"kind": "allocation_table", "key": "fuyou_table",
              "title": "{{ year }}年妇幼保健机构能力建设项目资金分配表", "projects": ["fuyou"],
              "format": {"decimals": 2, "thousands": False},
              "columns": [{"unit": "单位名称"}, {"measure": "due", "label": "应下达"},
                          {"measure": "advance", "label": "提前下达"},
                          {"measure": "this", "label": "本次下达（绩效）"}],
              "rows": {"total_label": "合计",
                       "group_labels": {"province": "省本级小计", "cities": "地市县小计"},
                       "levels": ["province_unit", "prefecture", "city_body", "institution", "county"],
                       "labels": {"city_body": "市本级"}}},
             {"kind": "allocation_table", "key": "clinic_table",
              "title": "{{ year }}年国家临床重点专科能力建设项目资金分配表", "projects": ["clinic"],
              "unit_line": "单位:万元", "format": {"decimals": 0, "thousands": False},
              "columns": [{"unit": "单位名称"}, {"measure": "due", "label": "资金分配"}],
              "rows": {"total_label": "合计", "group_labels": {"province": "省直小计", "cities": "市地小计"},
                       "levels": ["province_unit", "city_body", "institution"],
                       "of_which": "non_additive"}},
             {"kind": "allocation_table", "key": "occ_table",
              "title": "{{ year }}年职业病防治能力提升项目资金分配明细表", "projects": ["occ"],
              "format": {"decimals": 0, "thousands": False}, "formula_row": True,
              "columns": [{"unit": "地区（项目承担机构）"}, {"project": "occ", "part": "a"},
                          {"project": "occ", "part": "b"},
                          {"project": "occ", "part": "c", "label": "绩效（{{ total }}w）"},
                          {"measure": "due", "label": "2023年应下达资金"},
                          {"measure": "advance", "label": "2023年提前下达资金"},
                          {"measure": "this", "label": "本次下达资金"}],
              "rows": {"groups": False, "levels": ["province_unit", "prefecture", "institution"],
                       "labels": {"prefecture": "{name}财政局"}}},
         ]},
        {"kind": "target_tables", "key": "targets_project", "title": "中央对地方转移支付项目绩效目标表",
         "layouts": ["project"]},
        {"kind": "target_tables", "key": "targets_region", "title": "中央对地方转移支付区域绩效目标表",
         "layouts": ["region_city", "region_county"]},
        {"kind": "filing_form", "key": "filing", "rows": 10,
         "note": "注：各单位此项资金财会监督责任人为本单位主要负责人。"},
        {"kind": "letter", "title": "关于调整{{ year }}年职业病防治能力提升项目资金情况说明的函",
         "body": ["根据项目执行情况，对{{ year }}年职业病防治能力提升项目资金作如下调整。",
                  "调整后的资金分配情况详见附件{{ att.occ_table }}。"]},
    ]


def _money(rng: random.Random, low: int, high: int, step: int = 1) -> int:
    return rng.randrange(low, high + 1, step)


def build_registry(units: int) -> tuple[dict, dict]:
    """A registry with `units` units, and the ids of each role (prov, pref, city, cdc, hosp, county)."""
    n_pref = max(1, (units - max(2, units // 10)) // PER_PREFECTURE)
    n_prov = units - n_pref * PER_PREFECTURE  # about a tenth: 省直 units
    roles: dict[str, list[str]] = {k: [] for k in ("prov", "pref", "city", "cdc", "hosp", "county")}
    tops = []
    for i in range(1, n_prov + 1):
        name = f"省直单位{i:05d}"
        roles["prov"].append(name)
        tops.append({"name": name, "level": "province_unit", "group": "province"})
    for p in range(1, n_pref + 1):
        pref, code = f"第{p:04d}市", f"0090{p:06d}"
        city = f"{pref}财政局"
        cdc, hosp = f"{pref}疾控中心", f"{pref}人民医院"
        counties = [f"{pref}{k}县财政局" for k in "甲乙丙丁戊己庚辛"[:COUNTIES]]
        roles["pref"].append(pref)
        roles["city"].append(city)
        roles["cdc"].append(cdc)
        roles["hosp"].append(hosp)
        roles["county"].extend(counties)
        children = [{"name": city, "level": "city_body", "code": code + "1", "children": [
            {"name": cdc, "level": "institution"},
            {"name": hosp, "level": "institution", "of_which": True}]}]
        children += [{"name": c, "level": "county", "code": f"{code}9{k:03d}"} for k, c in enumerate(counties, 1)]
        tops.append({"name": pref, "level": "prefecture", "group": "cities", "code": code, "children": children})
    registry = {"kind": "registry", "name": "合成省",
                "groups": [{"id": "province", "name": "省直"}, {"id": "cities", "name": "地市"}],
                "units": tops}
    return registry, roles


def build_allocations(roles: dict, rng: random.Random) -> list[dict]:
    """Seed-000-like money: clinic and fuyou to 省直, occ parts to CDCs, fuyou/clinic to hospitals, county to counties."""
    out = []
    for i, unit in enumerate(roles["prov"]):
        if i % 2 == 0:
            out.append({"unit": unit, "clinic": {"due": rng.choice([500, 500, 12]), "perf": rng.choice([0, 12])}})
        else:
            due = _money(rng, 100, 900)
            out.append({"unit": unit, "fuyou": {"due": due, "advance": rng.choice([0, due, 500]),
                                                "perf": rng.choice([0, -52, 8])}})
    for cdc in roles["cdc"]:
        a = rng.choice([0, 320, 640])
        cell = {"a": a, "b": 55, "c": rng.choice([-25, -18, 0, 3]), "advance": a}
        out.append({"unit": cdc, "occ": cell})
    for i, hosp in enumerate(roles["hosp"]):
        entry: dict = {"unit": hosp, "fuyou": {"due": Decimal(_money(rng, 2000, 90000, 25)) / 100,
                                               "advance": rng.choice([0, 100])}}
        if i % 3 == 0:
            entry["clinic"] = {"due": 500}
        out.append(entry)
    for i, county in enumerate(roles["county"]):
        if i % 7 == 6:
            continue  # an empty county row: printed (show_empty) but needs no target table
        due = rng.choice([200, 200, 200, 400])
        out.append({"unit": county, "county": {"due": due, "advance": rng.choice([0, 200]),
                                               "perf": rng.choice([0, 0, 10, -5])}})
    return out


def build_targets(roles: dict, allocations: list[dict]) -> dict:
    """One target table per paid leaf row of the matrix: 省直 units, 市本级 bodies, counties."""
    paid = {a["unit"] for a in allocations}
    cities = [c for c, cdc, hosp in zip(roles["city"], roles["cdc"], roles["hosp"], strict=True) if {cdc, hosp} & paid]
    return {
        "required_for": "alloc",
        "defaults": {"project_name": "医疗服务与保障能力提升补助资金", "central_dept": "国家卫生健康委",
                     "prov_finance": "合成省财政厅", "prov_dept": "合成省卫生健康委"},
        "indicator_sets": INDICATOR_SETS,
        "tables": [
            {"layout": "project", "units": [u for u in roles["prov"] if u in paid], "uses": ["prov"],
             "fields": {"implementer": "{{ unit.name }}"}},
            {"layout": "region_city", "units": cities, "uses": ["city"],
             "fields": {"local_finance": "{{ unit.name }}", "local_dept": "{{ unit.name }}卫生健康委"}},
            {"layout": "region_county", "units": [c for c in roles["county"] if c in paid], "uses": ["county"],
             "fields": {"local_finance": "{{ unit.name }}", "local_dept": "{{ unit.name }}卫生健康局"}},
        ],
    }


def build_batch(units: int, seed: int = 0, registry_file: str = "registry.yaml") -> tuple[dict, dict]:
    """(registry, batch spec) as plain data for a batch of `units` units."""
    rng = random.Random(seed)
    registry, roles = build_registry(units)
    allocations = build_allocations(roles, rng)
    spec = {"registry": registry_file, "notice": dict(NOTICE), "projects": PROJECTS,
            "allocations": allocations, "attachments": _attachments(),
            "targets": build_targets(roles, allocations)}
    return registry, spec


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for short leaf mappings and lists; no aliases."""

    def ignore_aliases(self, data):
        return True

    def represent_sequence(self, tag, sequence, flow_style=None):
        return super().represent_sequence(tag, sequence, _flow(sequence))

    def represent_mapping(self, tag, mapping, flow_style=None):
        return super().represent_mapping(tag, mapping, _flow(mapping.values()))


def _flow(items) -> bool:
    """Flow style for short collections of scalars only."""
    items = list(items)
    scalars = all(not isinstance(x, (dict, list)) for x in items)
    return scalars and sum(len(str(x)) for x in items) < 80


def _decimal(dumper, value: Decimal):
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _str(dumper, value: str):
    """Quote digit strings (unit codes keep their leading zeros under YAML 1.2 too)."""
    style = "'" if value[:1].isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)


def dump(data: dict) -> str:
    """YAML text as a person would write it (leaf mappings in flow style)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def write_synthetic(folder: Path, units: int, seed: int = 0) -> Path:
    """Write `registry-<units>.yaml` and `batch-<units>.yaml` into folder; return the batch spec's path."""
    folder.mkdir(parents=True, exist_ok=True)
    reg_name = f"registry-{units}.yaml"
    registry, spec = build_batch(units, seed, reg_name)
    (folder / reg_name).write_text(dump(registry), encoding="utf-8")
    path = folder / f"batch-{units}.yaml"
    path.write_text(dump(spec), encoding="utf-8")
    return path


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/bench-synthetic")
    print(write_synthetic(target, size))
