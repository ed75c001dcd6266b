"""The long article of the CLI benches (benches/*.sh): 3,000 sentences
(231 kB), a second version with 40 sentences reworded, and N claims in the
`claim import` format, each quoting one to a few whole sentences.

Usage: python3 benches/long-article.py N DIR
Writes DIR/article.txt, DIR/article-v2.txt and DIR/claims.json.
"""
import json
import sys

n, out = int(sys.argv[1]), sys.argv[2]
sentences = [
    f"Sentence {i:06d} of the long article says that the talks went on for a while. "
    for i in range(3000)
]
text = "".join(sentences)
open(f"{out}/article.txt", "w").write(text)
open(f"{out}/article-v2.txt", "w").write(
    text.replace("went on for a while", "lasted all night", 40)
)
starts, pos = [], 0
for s in sentences:
    starts.append(pos)
    pos += len(s)
claims = []
k = 1
while len(claims) < n:
    for i in range(0, len(sentences) - k):
        if len(claims) == n:
            break
        exact = text[starts[i] : starts[i + k] - 1]
        claims.append(
            {
                "ref": f"c{len(claims)}",
                "proposition": f"Claim {len(claims)} of the import.",
                "exact": exact,
            }
        )
    k += 1
json.dump({"claims": claims}, open(f"{out}/claims.json", "w"))
