# parse: build 20000 CSV lines, split them and parse their fields with to_int.
# Stresses: string interpolation, split, to_int of strings, string comparisons.

lines = []
for i in range(20000):
    lines.append(f"item{i},{i * 3 % 101},{i % 7}")
text = "\n".join(lines)
total = 0
best = ""
bestv = -1
for line in text.split("\n"):
    f = line.split(",")
    v = int(f[1]) * int(f[2])
    total += v
    if v > bestv:
        bestv = v
        best = f[0]
print(total, best, bestv)
