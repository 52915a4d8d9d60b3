// Byte-level encoding for the wasm backend: a growable, reusable byte buffer with unsigned and
// signed LEB128 (32-bit, and 64-bit from numbers or bigints), little-endian IEEE floats,
// UTF-8 names and size-prefixed regions.

const TWO_POW_63 = 2 ** 63;
const BIGINT_I64_MIN = -(2n ** 63n);
const BIGINT_U64_LIMIT = 2n ** 64n;

/** Number of bytes `value` (an unsigned 32-bit integer) takes as unsigned LEB128. */
export function u32LebSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** A growable byte buffer with the primitive encodings of the wasm binary format. */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;
  /** A view of `bytes` for float constants (DataView stores are the fastest way here). */
  private view: DataView | undefined;

  constructor(initialCapacity = 256) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Forget the contents, keep the storage (writers are meant to be reused). */
  reset(): void {
    this.length = 0;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** Make room for `count` more bytes. */
  ensure(count: number): void {
    if (this.length + count > this.bytes.length) this.grow(count);
  }

  private grow(count: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + count) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = undefined;
  }

  writeByte(byte: number): void {
    if (this.length === this.bytes.length) this.grow(1);
    this.bytes[this.length++] = byte;
  }

  writeBytes(source: ArrayLike<number>): void {
    const count = source.length;
    this.ensure(count);
    if (source instanceof Uint8Array && count > 32) this.bytes.set(source, this.length);
    else for (let i = 0; i < count; i++) this.bytes[this.length + i] = source[i]!;
    this.length += count;
  }

  /** Append what another writer holds (a plain loop for short runs: no subarray allocation). */
  writeContentsOf(other: ByteWriter): void {
    const count = other.length;
    this.ensure(count);
    if (count > 32) {
      this.bytes.set(other.bytes.subarray(0, count), this.length);
    } else {
      const from = other.bytes;
      for (let i = 0; i < count; i++) this.bytes[this.length + i] = from[i]!;
    }
    this.length += count;
  }

  /** Unsigned LEB128 of an integer in [0, 2^32). */
  writeU32(value: number): void {
    if (value >>> 0 !== value) throw new RangeError(`not an unsigned 32-bit integer: ${value}`);
    if (this.length + 5 > this.bytes.length) this.grow(5);
    const bytes = this.bytes;
    let pos = this.length;
    while (value >= 0x80) {
      bytes[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    bytes[pos++] = value;
    this.length = pos;
  }

  /** One opcode byte followed by an unsigned LEB128 immediate (local.get, call, br, ...). */
  writeByteAndU32(byte: number, value: number): void {
    if (value >>> 0 !== value) throw new RangeError(`not an unsigned 32-bit integer: ${value}`);
    if (this.length + 6 > this.bytes.length) this.grow(6);
    const bytes = this.bytes;
    let pos = this.length;
    bytes[pos++] = byte;
    while (value >= 0x80) {
      bytes[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    bytes[pos++] = value;
    this.length = pos;
  }

  /** Signed LEB128 of an integer in [-2^31, 2^31). */
  writeS32(value: number): void {
    if ((value | 0) !== value) throw new RangeError(`not a signed 32-bit integer: ${value}`);
    if (this.length + 5 > this.bytes.length) this.grow(5);
    const bytes = this.bytes;
    let pos = this.length;
    for (;;) {
      const low = value & 0x7f;
      value >>= 7;
      if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) {
        bytes[pos++] = low;
        break;
      }
      bytes[pos++] = low | 0x80;
    }
    this.length = pos;
  }

  /**
   * Signed LEB128 of a 64-bit integer: a number (any integer in [-2^63, 2^63); exact only
   * up to 2^53, as numbers are) or a bigint in [-2^63, 2^64) (values >= 2^63 wrap to i64).
   */
  writeS64(value: number | bigint): void {
    if (typeof value === "number") {
      if ((value | 0) === value) return this.writeS32(value);
      if (!Number.isInteger(value) || value < -TWO_POW_63 || value >= TWO_POW_63) {
        throw new RangeError(`not a 64-bit integer: ${value}`);
      }
      this.ensure(10);
      // Exact: dividing an integral double by 128 and flooring loses no bits.
      for (;;) {
        const shifted = Math.floor(value / 128);
        const low = value - shifted * 128;
        value = shifted;
        if ((value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0)) {
          this.bytes[this.length++] = low;
          return;
        }
        this.bytes[this.length++] = low | 0x80;
      }
    }
    if (value < BIGINT_I64_MIN || value >= BIGINT_U64_LIMIT) throw new RangeError(`not a 64-bit integer: ${value}`);
    let big = BigInt.asIntN(64, value);
    if (big >= -0x20000000000000n && big <= 0x20000000000000n) return this.writeS64(Number(big));
    this.ensure(10);
    for (;;) {
      const low = Number(big & 0x7fn);
      big >>= 7n;
      if ((big === 0n && (low & 0x40) === 0) || (big === -1n && (low & 0x40) !== 0)) {
        this.bytes[this.length++] = low;
        return;
      }
      this.bytes[this.length++] = low | 0x80;
    }
  }

  /** IEEE 754 single precision, little-endian. */
  writeF32(value: number): void {
    if (this.length + 4 > this.bytes.length) this.grow(4);
    (this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset)).setFloat32(this.length, value, true);
    this.length += 4;
  }

  /** IEEE 754 double precision, little-endian. */
  writeF64(value: number): void {
    if (this.length + 8 > this.bytes.length) this.grow(8);
    (this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset)).setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** A wasm name: u32 byte length + UTF-8 (ASCII fast path). */
  writeName(text: string): void {
    let ascii = true;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) { ascii = false; break; }
    if (!ascii) {
      const utf8 = new TextEncoder().encode(text);
      this.writeU32(utf8.length);
      this.writeBytes(utf8);
      return;
    }
    this.writeU32(text.length);
    this.ensure(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  /** Start a u32-size-prefixed region; returns the mark to pass to `endSized`. */
  beginSized(): number {
    this.ensure(5);
    const mark = this.length;
    this.length += 5;
    return mark;
  }

  /** Write the size of the region opened at `mark` and close the gap left for it. */
  endSized(mark: number): void {
    const contentStart = mark + 5;
    const size = this.length - contentStart;
    const sizeBytes = u32LebSize(size);
    if (sizeBytes < 5) {
      this.bytes.copyWithin(mark + sizeBytes, contentStart, this.length);
      this.length -= 5 - sizeBytes;
    }
    let pos = mark;
    let rest = size;
    while (rest >= 0x80) {
      this.bytes[pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.bytes[pos] = rest;
  }
}
