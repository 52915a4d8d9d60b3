# particles: 1000 structs stepped 100 times by a method returning a new struct.
# Stresses: struct allocation and methods, arrays of structs rebuilt every step.

class P:
    __slots__ = ("x", "y", "vx", "vy")
    def __init__(self, x, y, vx, vy):
        self.x = x; self.y = y; self.vx = vx; self.vy = vy
    def step(self, dt):
        return P(self.x + self.vx * dt, self.y + self.vy * dt, self.vx * 0.99, self.vy - 9.8 * dt)
ps = []
for i in range(1000):
    ps.append(P(i * 1.0, 0.0, 1.0, 10.0))
for t in range(100):
    nxt = []
    for p in ps:
        nxt.append(p.step(0.01))
    ps = nxt
sx = 0.0
for p in ps: sx = sx + p.x + p.y
print(sx)
