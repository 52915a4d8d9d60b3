# qsort: a recursive quicksort of 100000 ints made by an LCG, partitioning into new arrays.
# Stresses: many short-lived arrays, pushes, concat, recursion returning arrays, i64 products beyond 2^53.

def qsort(a):
    if len(a) <= 1: return a
    p = a[len(a) // 2]
    lo = []; eq = []; hi = []
    for x in a:
        if x < p: lo.append(x)
        elif x == p: eq.append(x)
        else: hi.append(x)
    return qsort(lo) + eq + qsort(hi)
xs = []
s = 12345
for i in range(100000):
    s = (s * 1103515245 + 12345) % 2147483648
    xs.append(s % 100000)
ys = qsort(xs)
print(ys[0], ys[50000], ys[99999])
