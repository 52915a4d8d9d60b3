// Which V8 code cache file the launcher uses: V8 accepts a cache only under the node
// flags it was made with, so there is one file per set of flags (command-line flags and
// NODE_OPTIONS, which node also applies). Imported by launch.ts and its test.

/** dist/ruff.cjs.cache with no flags; else the flags, file-name safe, and a hash of them (the safe form can collide). */
export function codeCacheFile(bundle: string, execArgv: readonly string[], nodeOptions: string | undefined): string {
  const flags = [...execArgv, ...(nodeOptions ? [nodeOptions] : [])].join(" ");
  if (flags === "") return `${bundle}.cache`;
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193);
  const safe = flags.replace(/[^A-Za-z0-9=_.-]+/g, "_").replace(/^[_-]+/, "").slice(0, 80);
  return `${bundle}.${safe}-${(hash >>> 0).toString(16).padStart(8, "0")}.cache`;
}
