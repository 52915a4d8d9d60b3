// The trace IR's public surface: op table, trace container, builder (FOLD + CSE), DCE,
// verifier, printer and reference interpreter. Consumers import from here.

export * from "./ops";
export * from "./semantics";
export * from "./trace";
export * from "./builder";
export * from "./dce";
export * from "./verify";
export * from "./printer";
export * from "./interp";
