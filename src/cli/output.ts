// Buffered program output. Ruff's print goes through here: writes are batched and
// flushed synchronously (before any diagnostic, on exit), so nothing a program printed
// is lost or reordered relative to stderr, even when stdout is a non-blocking pipe.

import { writeSync } from "node:fs";

const FLUSH_AT = 1 << 16;

export class OutputBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const data = Buffer.from(this.chunks.join(""), "utf8");
    this.chunks = [];
    this.size = 0;
    writeAllSync(this.fd, data);
  }
}

/** Write every byte, retrying when a non-blocking pipe is full (EAGAIN). */
export function writeAllSync(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data as unknown as Uint8Array, offset, data.length - offset);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      if (code === "EPIPE") return; // reader went away: nothing more to deliver
      throw e;
    }
  }
}
