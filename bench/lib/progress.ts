// The progress line on stderr: which program, runtime and run (k of n). On a terminal it
// rewrites one line; otherwise it prints one line per program and phase.
import type { Progress } from "./harness.js";

export interface ProgressReporter {
  update(progress: Progress): void;
  /** Prints a message on its own line (clearing the progress line first). */
  message(text: string): void;
  done(): void;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const interactive = Boolean(stream.isTTY);
  let shown = false;
  let lastKey = "";
  const clear = () => {
    if (interactive && shown) stream.write("\r\x1b[K");
    shown = false;
  };
  return {
    update(progress) {
      const position = progress.groupIndex > 0 ? `[${progress.groupIndex}/${progress.groupCount}] ` : "";
      const step = progress.phase === "check" ? "output check" : `${progress.phase} ${progress.run} of ${progress.of}`;
      if (interactive) {
        stream.write(`\r\x1b[K${position}${progress.group} · ${progress.runtimeId} · ${step}`);
        shown = true;
        return;
      }
      const key = `${progress.group}/${progress.phase}`;
      if (key !== lastKey) {
        lastKey = key;
        stream.write(`${position}${progress.group}: ${progress.phase === "check" ? "output check" : progress.phase === "run" ? `${progress.of} counted runs` : "warm-up"}\n`);
      }
    },
    message(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done() {
      clear();
    },
  };
}
