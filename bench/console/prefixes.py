"""Prints the fragment requests an operator's typing makes: for N queries written from the
reference data (department names, their short forms with a need, FAQ questions), every prefix
of two characters or more, URL-encoded, as `<path>?q=<prefix>`."""
import json
import random
import sys
import urllib.parse

kb, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
names, questions = [], []
with open(f"{kb}/departments.jsonl", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            names.append(json.loads(line)["name"])
with open(f"{kb}/faqs.jsonl", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            questions.append(json.loads(line)["question"])
needs = ["电话", "地址", "几点上班", "在哪里办", "怎么走"]
queries = set()
while len(queries) < n:
    r = random.random()
    if r < 0.5:
        queries.add(random.choice(names) + random.choice(needs))
    elif r < 0.8:
        queries.add(random.choice(questions)[:24])
    else:
        queries.add(random.choice(names))
seen = set()
for q in sorted(queries):
    for end in range(2, len(q) + 1):
        p = q[:end]
        if p not in seen:
            seen.add(p)
            print(f"{path}?q={urllib.parse.quote(p)}")
