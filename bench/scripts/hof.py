# hof: map, filter and reduce with closures over 200000 ints.
# Stresses: builtins calling Ruff closures (callbacks from native code).

from functools import reduce
xs = list(range(200000))
ys = list(map(lambda x: x * 3 + 1, xs))
zs = list(filter(lambda y: y % 2 == 0, ys))
total = reduce(lambda acc, z: acc + z, zs, 0)
print(len(zs), total)
