# words: join 60000 words into a text, split it, count the words in a dict with get(d, w, 0).
# Stresses: string builtins (join, split), string-keyed dict reads and writes.

base = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
parts = []
for i in range(60000):
    parts.append(base[(i * 7 + i // 3) % 8])
text = " ".join(parts)
words = text.split(" ")
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
for k in sorted(counts):
    print(k, counts[k])
