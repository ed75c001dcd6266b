"""Writes an article and a `claim import` file of about SIZE bytes whose
claims all anchor in it, for measuring import memory (BENCHMARKS.md,
"claim import memory").

Usage: python3 benches/import-file.py SIZE OUTDIR
Writes OUTDIR/article.txt (231 kB, 3000 sentences) and OUTDIR/claims.json:
claims of about 1.1 kB (a 900-character proposition, an `exact` of one to
a few sentences), each anchored once in the article.
"""
import json
import sys

target = int(sys.argv[1])
out = sys.argv[2]
sentences = [
    f"Sentence {i:06d} of the long article says that the talks went on for a while. "
    for i in range(3000)
]
text = "".join(sentences)
with open(f"{out}/article.txt", "w") as f:
    f.write(text)
starts = []
pos = 0
for s in sentences:
    starts.append(pos)
    pos += len(s)
claims = []
size = 0
n = 0
for k in range(1, 40):
    for i in range(0, len(sentences) - k):
        exact = text[starts[i] : starts[i + k] - 1]
        if len(exact) > 4000:
            continue
        c = {"ref": f"c{n}", "proposition": ("P%d " % n) + "x" * 900, "exact": exact}
        claims.append(c)
        n += 1
        size += len(json.dumps(c)) + 2
        if size >= target:
            break
    if size >= target:
        break
with open(f"{out}/claims.json", "w") as f:
    json.dump({"claims": claims}, f, ensure_ascii=False)
print(n, "claims")
