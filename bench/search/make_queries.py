#!/usr/bin/env python3
"""Writes N distinct, URL-encoded search paths for the benchmark, made from the knowledge base:
region forms x (department aliases | FAQ topics | everyday phrasings), some with spoken filler,
some in pinyin initials, some with a region filter. Deterministic (seeded)."""
import json, random, sys, urllib.parse, os

kb, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5000
rng = random.Random(12345)
regions = [json.loads(l) for l in open(os.path.join(kb, "regions.jsonl"), encoding="utf-8")]
depts = [json.loads(l) for l in open(os.path.join(kb, "departments.jsonl"), encoding="utf-8")]
faqs = [json.loads(l) for l in open(os.path.join(kb, "faqs.jsonl"), encoding="utf-8")]
by_code = {r["code"]: r for r in regions}
region_forms = {r["code"]: [r["name"], r["short_name"]] + r["aliases"] for r in regions}
aliases = sorted({a for d in depts for a in d["aliases"] if not any(a.startswith(f) for f in region_forms[d["region"]])})
topics = sorted({f["question"].replace(by_code[next(d for d in [f["department"].split("-")[0]])]["name"], "").rstrip("?？") for f in faqs[:20000] if f["department"].split("-")[0] in by_code})
everyday = ["身份证不见了", "驾照过期了", "老板不发工资", "狗咬了要打疫苗", "公司改名", "办暂住证", "开个体户执照",
            "房产证怎么办", "社保卡掉了", "异地看病", "交医保", "退休金", "结婚证丢了", "去香港签注", "摆摊", "噪音扰民"]
fillers = ["", "", "", "我想问一下", "麻烦帮我查下", "请问"]
suffix = ["", "", "电话", "是多少", "在哪里", "几点上班"]
paths = set()
while len(paths) < n:
    r = rng.choice(regions)
    form = rng.choice(region_forms[r["code"]])
    kind = rng.random()
    if kind < 0.35:
        q = form + rng.choice(aliases) + rng.choice(suffix)
    elif kind < 0.75:
        q = rng.choice(fillers) + form + " " + rng.choice(topics)
    elif kind < 0.9:
        q = form + " " + rng.choice(everyday)
    else:
        q = rng.choice(topics)
    params = {"q": q, "limit": "10"}
    if rng.random() < 0.1:
        params["region"] = r["code"]
    paths.add("/api/v1/search?" + urllib.parse.urlencode(params))
with open(out, "w", encoding="utf-8") as f:
    for p in sorted(paths):
        f.write(p + "\n")
print(f"{len(paths)} queries -> {out}")
