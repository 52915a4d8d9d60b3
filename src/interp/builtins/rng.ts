// The random number generator behind random()/random_int()/random_choice(): a port of
// what upstream gets from Rust's rand 0.8 (`StdRng` = ChaCha12, `seed_from_u64` via PCG32,
// `gen::<f64>()`, `gen_range`), so seeded programs print the same numbers as upstream.


const U64_MASK = (1n << 64n) - 1n;

function rotl32(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

/** ChaCha with 12 rounds, 64-bit block counter and zero stream id, buffered 4 blocks at a time. */
export class ChaCha12Rng {
  private readonly state = new Uint32Array(16);
  private readonly working = new Uint32Array(16);
  private readonly buffer = new Uint32Array(64);
  private index = 64;
  private counter = 0n;

  /** `SeedableRng::from_seed` with a 32-byte key given as 8 little-endian words. */
  constructor(key: Uint32Array) {
    this.state.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
    this.state.set(key.subarray(0, 8), 4);
  }

  /** rand_core's `seed_from_u64`: fill the key with PCG32 outputs. */
  static fromU64(seed: bigint): ChaCha12Rng {
    const MUL = 6364136223846793005n;
    const INC = 11634580027462260723n;
    let state = BigInt.asUintN(64, seed);
    const key = new Uint32Array(8);
    for (let i = 0; i < 8; i++) {
      state = (state * MUL + INC) & U64_MASK;
      const xorshifted = Number((((state >> 18n) ^ state) >> 27n) & 0xffffffffn);
      const rot = Number(state >> 59n);
      key[i] = ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
    }
    return new ChaCha12Rng(key);
  }

  static fromEntropy(): ChaCha12Rng {
    // Loaded on first use: node:crypto costs start-up time every run would pay.
    const bytes = (require("node:crypto") as typeof import("node:crypto")).randomBytes(32);
    return new ChaCha12Rng(new Uint32Array(bytes.buffer, bytes.byteOffset, 8).slice());
  }

  private block(out: number): void {
    const s = this.state;
    const w = this.working;
    s[12] = Number(this.counter & 0xffffffffn);
    s[13] = Number(this.counter >> 32n);
    w.set(s);
    for (let round = 0; round < 6; round++) {
      quarterRound(w, 0, 4, 8, 12);
      quarterRound(w, 1, 5, 9, 13);
      quarterRound(w, 2, 6, 10, 14);
      quarterRound(w, 3, 7, 11, 15);
      quarterRound(w, 0, 5, 10, 15);
      quarterRound(w, 1, 6, 11, 12);
      quarterRound(w, 2, 7, 8, 13);
      quarterRound(w, 3, 4, 9, 14);
    }
    for (let i = 0; i < 16; i++) this.buffer[out + i] = (w[i] + s[i]) >>> 0;
    this.counter = (this.counter + 1n) & U64_MASK;
  }

  private refill(): void {
    for (let b = 0; b < 4; b++) this.block(b * 16);
    this.index = 0;
  }

  nextU32(): number {
    if (this.index >= 64) this.refill();
    return this.buffer[this.index++];
  }

  /** rand_core BlockRng::next_u64: two words, low first, straddling a refill if needed. */
  nextU64(): bigint {
    let low: number;
    let high: number;
    if (this.index < 63) {
      low = this.buffer[this.index];
      high = this.buffer[this.index + 1];
      this.index += 2;
    } else if (this.index >= 64) {
      this.refill();
      low = this.buffer[0];
      high = this.buffer[1];
      this.index = 2;
    } else {
      low = this.buffer[63];
      this.refill();
      high = this.buffer[0];
      this.index = 1;
    }
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** `gen::<f64>()`: the top 53 bits scaled into [0, 1). */
  nextF64(): number {
    return Number(this.nextU64() >> 11n) * 2 ** -53;
  }

  /** `gen_range(low..=high)` for i64 (rand 0.8 UniformInt::sample_single_inclusive). */
  rangeInclusive(low: bigint, high: bigint): bigint {
    const range = BigInt.asUintN(64, high - low + 1n);
    if (range === 0n) return BigInt.asIntN(64, this.nextU64());
    const zone = BigInt.asUintN(64, (range << BigInt(leadingZeros64(range))) - 1n);
    while (true) {
      const product = this.nextU64() * range;
      const lo = product & U64_MASK;
      if (lo <= zone) return BigInt.asIntN(64, low + (product >> 64n));
    }
  }
}

function quarterRound(w: Uint32Array, a: number, b: number, c: number, d: number): void {
  w[a] = (w[a] + w[b]) >>> 0;
  w[d] = rotl32(w[d] ^ w[a], 16);
  w[c] = (w[c] + w[d]) >>> 0;
  w[b] = rotl32(w[b] ^ w[c], 12);
  w[a] = (w[a] + w[b]) >>> 0;
  w[d] = rotl32(w[d] ^ w[a], 8);
  w[c] = (w[c] + w[d]) >>> 0;
  w[b] = rotl32(w[b] ^ w[c], 7);
}

function leadingZeros64(x: bigint): number {
  return x === 0n ? 64 : 64 - x.toString(2).length;
}
