# matmul: product of two 120 x 120 matrices held as arrays of arrays of floats.
# Stresses: nested array reads (m[i][k]), a loop-invariant row, pushes building the result.

def make(n, seed):
    m = []
    for i in range(n):
        row = []
        for j in range(n):
            row.append(((i * 31 + j * 17 + seed) % 100) / 10.0)
        m.append(row)
    return m
def matmul(a, b, n):
    c = []
    for i in range(n):
        row = []
        for j in range(n):
            s = 0.0
            for k in range(n):
                s = s + a[i][k] * b[k][j]
            row.append(s)
        c.append(row)
    return c
n = 120
c = matmul(make(n, 1), make(n, 2), n)
tr = 0.0
for i in range(n): tr = tr + c[i][i]
print(tr)
