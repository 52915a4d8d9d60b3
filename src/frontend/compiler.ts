// Bytecode compiler, statements and program structure: modules and imports, scopes and
// name resolution (locals, captured cells, globals, the outward-searching `x := e`),
// control flow, try/except, match, structs. Expressions live in compile-expr.ts.

import * as A from "./ast";
import { FuncState, GLOBAL_KIND, type BindingKind, type LocalVar } from "./funcstate";
import { FunctionProto, Op, type ModuleInfo } from "../interp/bytecode";
import { compileExprTo, compileExprAny, compileCondJump, isFreshDirect } from "./compile-expr";

/** A compile error reported like a runtime error before anything runs (exit 4). */
export class CompileError extends Error {
  constructor(message: string, readonly file: string, readonly line: number, readonly col: number) {
    super(message);
  }
}

export interface CompiledProgram {
  modules: ModuleInfo[];
  /** Struct name -> method name -> prototype (methods are hoisted, program-wide). */
  methods: Map<string, Map<string, FunctionProto>>;
  /** Declared fields per struct (for legacy methods that bind fields as locals). */
  structFields: Map<string, string[]>;
}

/** Loads an imported module's parsed program, or throws. Path is relative to `fromFile`. */
export type ModuleLoader = (segments: string[], fromFile: string) => A.Program;

/** How a name resolves at a given point of a function. */
export type Resolved =
  | { kind: "local"; v: LocalVar }
  | { kind: "upval"; index: number; bindKind: BindingKind; dyn: boolean }
  | { kind: "dyn"; reg: number; global: number }
  | { kind: "global"; index: number };

export class Compiler {
  readonly program: CompiledProgram = { modules: [], methods: new Map(), structFields: new Map() };
  private moduleByFile = new Map<string, ModuleInfo>();
  private loading = new Set<string>();
  private globalIndex = new Map<ModuleInfo, Map<string, number>>();

  constructor(private readonly loader: ModuleLoader) {}

  compileModule(program: A.Program): ModuleInfo {
    const existing = this.moduleByFile.get(program.file);
    if (existing) return existing;
    if (this.loading.has(program.file)) throw new CompileError(`Circular import of ${program.file}`, program.file, 1, 1);
    this.loading.add(program.file);
    const module: ModuleInfo = { file: program.file, index: this.program.modules.length, globalNames: [], exports: null, main: null };
    this.program.modules.push(module);
    this.globalIndex.set(module, new Map());
    this.moduleByFile.set(program.file, module);
    const fs = new FuncState("<main>", 0, module, null, true);
    fs.at({ line: 1, col: 1 });
    this.hoistFunctions(fs, program.body);
    this.block(fs, program.body);
    fs.emit(Op.HALT);
    module.main = fs.finish();
    this.loading.delete(program.file);
    return module;
  }

  error(fs: FuncState, message: string, at: A.Pos): CompileError {
    return new CompileError(message, fs.proto.module.file, at.line, at.col);
  }

  // ---------------------------------------------------------------------------
  // Names

  globalSlot(module: ModuleInfo, name: string): number {
    const map = this.globalIndex.get(module)!;
    let idx = map.get(name);
    if (idx === undefined) {
      idx = module.globalNames.length;
      module.globalNames.push(name);
      map.set(name, idx);
    }
    return idx;
  }

  resolve(fs: FuncState, name: string): Resolved {
    const local = fs.findLocal(name);
    if (local) return { kind: "local", v: local };
    const dyn = fs.dynLocals.get(name);
    if (dyn !== undefined) return { kind: "dyn", reg: dyn, global: this.globalSlot(fs.proto.module, name) };
    const up = this.resolveCapture(fs, name);
    if (up) return up;
    return { kind: "global", index: this.globalSlot(fs.proto.module, name) };
  }

  /** Find `name` in enclosing functions and thread a capture through every level. */
  private resolveCapture(fs: FuncState, name: string): Resolved | null {
    const known = fs.captureIndex.get(name);
    if (known !== undefined) return { kind: "upval", index: known, bindKind: fs.captureKinds.get(name)!, dyn: fs.captureDyn.has(name) };
    const parent = fs.parent;
    if (!parent) return null;
    const local = parent.findLocal(name);
    const dynReg = local ? undefined : parent.dynLocals.get(name);
    let fromRegister: boolean;
    let index: number;
    let bindKind: BindingKind;
    let dyn = false;
    if (local) {
      fromRegister = true;
      index = local.reg;
      bindKind = local.kind;
    } else if (dynReg !== undefined) {
      fromRegister = true;
      index = dynReg;
      bindKind = "mut";
      dyn = true;
    } else {
      const up = this.resolveCapture(parent, name);
      if (!up || up.kind !== "upval") return null;
      fromRegister = false;
      index = up.index;
      bindKind = up.bindKind;
      dyn = up.dyn;
    }
    const cell = fs.proto.captures.length;
    fs.proto.captures.push({ fromRegister, index, name });
    fs.captureIndex.set(name, cell);
    fs.captureKinds.set(name, bindKind);
    if (dyn) fs.captureDyn.add(name);
    return { kind: "upval", index: cell, bindKind, dyn };
  }

  /** Store register `src` into the variable `name` by assignment (`x = e`). */
  assignName(fs: FuncState, name: string, src: number): void {
    const r = this.resolve(fs, name);
    switch (r.kind) {
      case "local": {
        const err = reassignError(r.v.kind, name);
        if (err) fs.emit(Op.ERROR, fs.constant(err));
        else if (r.v.reg !== src) fs.emit(Op.MOVE, r.v.reg, src);
        return;
      }
      case "upval": {
        const err = reassignError(r.bindKind, name);
        if (err) fs.emit(Op.ERROR, fs.constant(err));
        else fs.emit(Op.SETUPVAL, src, r.index);
        return;
      }
      case "dyn":
        fs.emit(Op.SETDYN, src, r.global, r.reg);
        return;
      case "global":
        if (fs.isModuleMain) {
          fs.emit(Op.SETGLOBAL, src, r.index);
        } else {
          // First bare assignment inside a function: a global of that name wins if it
          // exists at run time, else this becomes a function-scoped local.
          const reg = this.dynLocalReg(fs, name);
          fs.emit(Op.SETDYN, src, r.index, reg);
        }
        return;
    }
  }

  private dynLocalReg(fs: FuncState, name: string): number {
    const reg = fs.allocDynReg();
    fs.dynLocals.set(name, reg);
    return reg;
  }

  /** Load variable `name` into a register (returns the local's own register when it is one). */
  readName(fs: FuncState, name: string, dst: number | null): number {
    const r = this.resolve(fs, name);
    if (r.kind === "local") {
      if (dst === null || dst === r.v.reg) return r.v.reg;
      fs.emit(Op.MOVE, dst, r.v.reg);
      return dst;
    }
    const target = dst ?? fs.allocReg();
    if (r.kind === "upval") {
      if (r.dyn) fs.emit(Op.GETUPDYN, target, this.globalSlot(fs.proto.module, name), r.index);
      else fs.emit(Op.GETUPVAL, target, r.index);
    }
    else if (r.kind === "dyn") fs.emit(Op.GETDYN, target, r.global, r.reg);
    else fs.emit(Op.GETGLOBAL, target, r.index);
    return target;
  }

  /** Declare `name` with the value in register `src` (let/mut/const/func). */
  declareName(fs: FuncState, name: string, kind: BindingKind, src: number, node: A.Pos): void {
    if (fs.atGlobalScope) {
      const g = this.globalSlot(fs.proto.module, name);
      const code = kind === "let" ? GLOBAL_KIND.let : kind === "const" ? GLOBAL_KIND.const : GLOBAL_KIND.mut;
      fs.at(node);
      fs.emit(Op.DEFGLOBAL, src, g, code);
      return;
    }
    const scope = fs.scopes[fs.scopes.length - 1];
    if (scope.has(name) && kind !== "func") throw this.error(fs, `Duplicate declaration in the same scope: ${name}`, node);
    // The value must live in a register owned by this local: the top one.
    let reg = src;
    if (src !== fs.nextReg - 1 || isBoundRegister(fs, src)) {
      reg = fs.allocReg();
      fs.emit(Op.MOVES, reg, src);
    }
    fs.declareLocal(name, reg, kind);
  }

  // ---------------------------------------------------------------------------
  // Statements

  block(fs: FuncState, stmts: A.Stmt[]): void {
    for (const s of stmts) this.stmt(fs, s);
  }

  /** A block with its own scope; temporaries are released afterwards. */
  scopedBlock(fs: FuncState, stmts: A.Stmt[]): void {
    const mark = fs.nextReg;
    fs.pushScope();
    this.block(fs, stmts);
    fs.popScope();
    fs.freeTo(mark);
  }

  stmt(fs: FuncState, s: A.Stmt): void {
    fs.at(s);
    const mark = fs.nextReg;
    switch (s.kind) {
      case "ExprStmt":
        compileExprAny(this, fs, s.expr);
        fs.freeTo(mark);
        return;
      case "Let":
        this.letStmt(fs, s.decl, s.pattern, s.value, s);
        return;
      case "Destructure":
        this.letStmt(fs, "let", s.pattern, s.value, s);
        return;
      case "Assign":
        this.assignStmt(fs, s);
        fs.freeTo(mark);
        return;
      case "FuncStmt":
        if (fs.atGlobalScope) return; // hoisted
        this.localFunction(fs, s.def);
        return;
      case "Return": {
        if (s.value === null) fs.emit(Op.RETNULL);
        else fs.emit(Op.RETURN, compileExprAny(this, fs, s.value));
        fs.freeTo(mark);
        return;
      }
      case "If":
        this.ifStmt(fs, s);
        return;
      case "While":
        this.whileStmt(fs, s.cond, s.body, s);
        return;
      case "Loop":
        this.whileStmt(fs, null, s.body, s);
        return;
      case "For":
        this.forStmt(fs, s);
        return;
      case "Break":
      case "Continue": {
        const loop = fs.loops[fs.loops.length - 1];
        if (!loop) throw this.error(fs, `${s.kind === "Break" ? "break" : "continue"} can only be used inside a loop`, s);
        for (let i = fs.tryDepth; i > loop.tryDepth; i--) fs.emit(Op.ENDTRY);
        (s.kind === "Break" ? loop.breaks : loop.continues).push(fs.emit(Op.JMP));
        return;
      }
      case "Match":
        this.matchStmt(fs, s);
        return;
      case "Try":
        this.tryStmt(fs, s);
        return;
      case "Struct":
        this.structStmt(fs, s);
        return;
      case "Enum":
      case "Spawn":
      case "Test":
        return;
      case "Import":
        this.importStmt(fs, s);
        return;
      case "Export":
        this.exportStmt(fs, s);
        return;
      case "Block":
        this.scopedBlock(fs, s.body);
        return;
    }
  }

  private letStmt(fs: FuncState, decl: A.DeclKind, pattern: A.Pattern, value: A.Expr, node: A.Pos): void {
    const mark = fs.nextReg;
    if (pattern.kind === "NamePat") {
      if (fs.atGlobalScope) {
        const r = fs.allocReg();
        compileExprTo(this, fs, value, r, !isFreshDirect(value));
        this.declareName(fs, pattern.name, decl, r, pattern);
        fs.freeTo(mark);
        return;
      }
      const reg = fs.allocReg();
      compileExprTo(this, fs, value, reg, !isFreshDirect(value));
      fs.freeTo(reg + 1);
      this.declareName(fs, pattern.name, decl, reg, pattern);
      return;
    }
    if (pattern.kind === "IgnorePat") {
      compileExprAny(this, fs, value);
      fs.freeTo(mark);
      return;
    }
    // Destructuring: evaluate once into a hidden register, then bind each name.
    const src = fs.allocReg();
    compileExprTo(this, fs, value, src, false);
    if (!fs.atGlobalScope) fs.declareLocal(`\u0000destructure${src}`, src, "let");
    this.bindPattern(fs, decl, pattern, src, node);
    if (fs.atGlobalScope) fs.freeTo(mark);
  }

  private bindPattern(fs: FuncState, decl: A.DeclKind, pattern: A.Pattern, src: number, node: A.Pos): void {
    fs.at(pattern);
    if (pattern.kind === "NamePat") {
      this.declareName(fs, pattern.name, decl, src, node);
    } else if (pattern.kind === "ArrayPat") {
      pattern.elems.forEach((elem, i) => {
        if (elem.kind === "IgnorePat") return;
        const r = fs.allocReg();
        fs.emit(Op.UNPACK, r, src, i);
        if (elem.kind === "NamePat") this.declareName(fs, elem.name, decl, r, elem);
        else {
          if (!fs.atGlobalScope) fs.declareLocal(`\u0000destructure${r}`, r, "let");
          this.bindPattern(fs, decl, elem, r, node);
        }
      });
      if (pattern.rest !== null) {
        const r = fs.allocReg();
        fs.emit(Op.UNPACKREST, r, src, pattern.elems.length);
        this.declareName(fs, pattern.rest, decl, r, pattern);
      }
    } else if (pattern.kind === "DictPat") {
      for (const key of pattern.keys) {
        const r = fs.allocReg();
        fs.emit(Op.UNPACKKEY, r, src, fs.constant(key));
        this.declareName(fs, key, decl, r, pattern);
      }
      if (pattern.rest !== null) {
        const r = fs.allocReg();
        fs.emit(Op.UNPACKDICTREST, r, src, fs.constant(pattern.keys.join("\u0000")));
        this.declareName(fs, pattern.rest, decl, r, pattern);
      }
    }
  }

  private assignStmt(fs: FuncState, s: A.AssignStmt): void {
    const target = s.target;
    const value: A.Expr = s.op === null ? s.value : { kind: "Binary", op: s.op, left: target, right: s.value, line: s.line, col: s.col };
    if (target.kind === "Ident") {
      const r = this.resolve(fs, target.name);
      if (r.kind === "local" && reassignError(r.v.kind, target.name) === null) {
        // `xs = push(xs, v)`: append in place when xs is unshared.
        if (this.tryPushInPlace(fs, target.name, value, r.v.reg)) return;
        compileExprTo(this, fs, value, r.v.reg, !isFreshDirect(value));
        return;
      }
      const mark = fs.nextReg;
      const tmp = fs.allocReg();
      if (r.kind !== "local" && this.tryPushInPlace(fs, target.name, value, tmp, true)) {
        this.writeBack(fs, { reg: tmp, root: { name: target.name, reg: tmp } });
        fs.freeTo(mark);
        return;
      }
      compileExprTo(this, fs, value, tmp, !isFreshDirect(value));
      fs.at(s);
      this.assignName(fs, target.name, tmp);
      fs.freeTo(mark);
      return;
    }
    // Index or field target: make the container chain unshared, then store.
    const mark = fs.nextReg;
    // A plain store evaluates its value first, marked shared when it may have a holder:
    // then `xs[0] = xs` stores a copy of xs instead of making a cycle.
    // A local other than the target's root variable cannot be the container itself: the
    // store shares it, so its own register serves.
    let v = -1;
    if (s.op === null) {
      const value = s.value;
      const local = value.kind === "Ident" ? fs.findLocal(value.name) : undefined;
      if (local !== undefined && value.kind === "Ident" && value.name !== rootName(target)) {
        v = local.reg;
      } else {
        v = fs.allocReg();
        compileExprTo(this, fs, value, v, !isFreshDirect(value));
      }
    }
    const container = this.mutableBase(fs, target.object);
    const key = target.kind === "Index" ? compileExprAny(this, fs, target.index) : fs.constant(target.name);
    if (s.op !== null) {
      // `a[i] += e`: read the element once, combine, store back.
      v = fs.allocReg();
      fs.at(target);
      if (target.kind === "Index") fs.emit(Op.GETINDEX, v, container.reg, key);
      else fs.emit(Op.GETFIELD, v, container.reg, key);
      const rhs = compileExprAny(this, fs, s.value);
      fs.at(s);
      fs.emit(ARITH_OPCODE[s.op], v, v, rhs);
    }
    fs.at(s);
    if (target.kind === "Index") fs.emit(Op.SETINDEX, container.reg, key, v);
    else fs.emit(Op.SETFIELD, container.reg, key, v);
    this.writeBack(fs, container);
    fs.freeTo(mark);
  }

  /**
   * Emit the in-place append for `name = push(name, v)` / `append`. Returns false (and
   * emits nothing) when the statement has another shape. When `load` is set the
   * variable is first read into `reg` (globals, captured cells, dynamic locals).
   */
  private tryPushInPlace(fs: FuncState, name: string, value: A.Expr, reg: number, load = false): boolean {
    if (value.kind !== "Call" || value.args.length !== 2) return false;
    const callee = value.callee;
    const first = value.args[0];
    if (callee.kind !== "Ident" || (callee.name !== "push" && callee.name !== "append")) return false;
    if (first.kind !== "Ident" || first.name !== name) return false;
    if (this.resolve(fs, callee.name).kind === "local") return false;
    if (load) this.readName(fs, name, reg);
    const mark = fs.nextReg;
    const fn = fs.allocReg();
    this.readName(fs, callee.name, fn);
    const v = fs.allocReg();
    compileExprTo(this, fs, value.args[1], v, !isFreshDirect(value.args[1]));
    fs.at(value);
    fs.emit(Op.PUSHVAR, reg, fn, v);
    fs.freeTo(mark);
    return true;
  }

  /**
   * Evaluate the container expression of an index/field assignment so that the register
   * returned holds an unshared value that is the one stored in the variable (or inside
   * the enclosing container). A global, cell or dynamic local is read into a temporary
   * (the root) and written back afterwards (writeBack): a clone made on the way must
   * replace the variable's value.
   */
  mutableBase(fs: FuncState, e: A.Expr): MutableBase {
    if (e.kind === "Ident") {
      const r = this.resolve(fs, e.name);
      if (r.kind === "local") {
        const err = mutateError(r.v.kind, e.name);
        if (err) fs.emit(Op.ERROR, fs.constant(err));
        return { reg: r.v.reg, root: null };
      }
      if (r.kind === "upval") {
        const err = mutateError(r.bindKind, e.name);
        if (err) fs.emit(Op.ERROR, fs.constant(err));
      }
      if (r.kind === "global") fs.emit(Op.CHECKGLOBALMUT, 0, r.index);
      const reg = fs.allocReg();
      this.readName(fs, e.name, reg);
      return { reg, root: { name: e.name, reg } };
    }
    if (e.kind === "Self") return { reg: 0, root: null };
    if (e.kind === "Index" || e.kind === "Field") {
      const parent = this.mutableBase(fs, e.object);
      const reg = fs.allocReg();
      if (e.kind === "Index") {
        const key = compileExprAny(this, fs, e.index);
        fs.at(e);
        fs.emit(Op.GETINDEXMUT, reg, parent.reg, key);
      } else {
        fs.at(e);
        fs.emit(Op.GETFIELDMUT, reg, parent.reg, fs.constant(e.name));
      }
      return { reg, root: parent.root };
    }
    // Anything else (a call result ...) is a temporary: the store is invisible.
    return { reg: compileExprAny(this, fs, e), root: null };
  }

  /** Store a mutated root container back into its variable (no sharing: same holder). */
  writeBack(fs: FuncState, base: MutableBase): void {
    if (base.root === null) return;
    const r = this.resolve(fs, base.root.name);
    if (r.kind === "upval") fs.emit(Op.SETUPVAL, base.root.reg, r.index);
    else if (r.kind === "dyn") fs.emit(Op.SETDYN, base.root.reg, r.global, r.reg);
    else if (r.kind === "global") fs.emit(Op.SETGLOBAL, base.root.reg, r.index);
  }

  private ifStmt(fs: FuncState, s: A.IfStmt): void {
    const mark = fs.nextReg;
    const falseJumps: number[] = [];
    compileCondJump(this, fs, s.cond, false, falseJumps);
    fs.freeTo(mark);
    this.scopedBlock(fs, s.then);
    if (s.else) {
      const end = fs.emit(Op.JMP);
      fs.patchAll(falseJumps, fs.pc);
      this.scopedBlock(fs, s.else);
      fs.patch(end, fs.pc);
    } else {
      fs.patchAll(falseJumps, fs.pc);
    }
  }

  /**
   * Loops are laid out with the test at the bottom: one conditional jump per iteration.
   *   JMP test; body: ...; test: if cond goto body; exit:
   */
  private whileStmt(fs: FuncState, cond: A.Expr | null, body: A.Stmt[], node: A.Pos): void {
    const mark = fs.nextReg;
    const toTest = cond ? fs.emit(Op.JMP) : -1;
    const bodyStart = fs.pc;
    const loop = { breaks: [], continues: [], tryDepth: fs.tryDepth };
    fs.loops.push(loop);
    this.scopedBlock(fs, body);
    fs.loops.pop();
    const test = fs.pc;
    fs.at(node);
    if (cond) {
      fs.patch(toTest, test);
      const back: number[] = [];
      compileCondJump(this, fs, cond, true, back);
      fs.patchAll(back, bodyStart);
      fs.freeTo(mark);
      this.fuseIncrementAndTest(fs, bodyStart, test);
    } else {
      fs.emit(Op.JMP, bodyStart);
    }
    fs.patchAll(loop.continues, test);
    fs.patchAll(loop.breaks, fs.pc);
  }

  /**
   * `... i += 1 }` followed by the test `i < n` becomes one INCJLT at the increment's
   * place (one dispatch per iteration instead of two). The test stays where it was: it is
   * the loop's entry and the target of `continue`, which must not increment.
   */
  private fuseIncrementAndTest(fs: FuncState, bodyStart: number, test: number): void {
    if (fs.pc !== test + 4 || test - 4 < bodyStart) return;
    const testOp = fs.opAt(test);
    if (testOp !== Op.JLT && testOp !== Op.JLE) return;
    const inc = test - 4;
    const x = fs.operand(test, 0);
    if (fs.opAt(inc) !== Op.ADDI || fs.operand(inc, 0) !== x || fs.operand(inc, 1) !== x || fs.operand(inc, 2) !== 1) return;
    fs.rewrite(inc, testOp === Op.JLT ? Op.INCJLT : Op.INCJLE, x, fs.operand(test, 1), bodyStart);
  }

  private forStmt(fs: FuncState, s: A.ForStmt): void {
    const mark = fs.nextReg;
    fs.pushScope();
    const it = fs.allocRegs(2);
    fs.declareLocal("\u0000for-iter", it, "let");
    fs.declareLocal("\u0000for-pos", it + 1, "let");
    const iter = s.iter;
    if (iter.kind === "Call" && iter.callee.kind === "Ident" && iter.callee.name === "range") {
      // `for x in range(..)`: FORRANGE counts from start to stop, skipping the call and
      // FORPREP after it, when `range` is the builtin and the bounds are ints (checked
      // as the loop starts); otherwise they run as for any other call.
      const callee = fs.allocRegs(1 + iter.args.length);
      compileExprTo(this, fs, iter.callee, callee, false);
      iter.args.forEach((arg, i) => compileExprTo(this, fs, arg, callee + 1 + i, false));
      fs.at(iter);
      fs.emit(Op.FORRANGE, it, callee, iter.args.length);
      fs.emit(Op.CALL, callee, iter.args.length);
      fs.at(s);
      fs.emit(Op.FORPREP, it, callee);
    } else {
      const src = compileExprAny(this, fs, iter);
      fs.at(s);
      fs.emit(Op.FORPREP, it, src);
    }
    fs.freeTo(it + 2);
    const varReg = fs.allocReg();
    const toNext = fs.emit(Op.JMP);
    const bodyStart = fs.pc;
    const loop = { breaks: [], continues: [], tryDepth: fs.tryDepth };
    fs.loops.push(loop);
    fs.pushScope();
    fs.declareLocal(s.name, varReg, "mut");
    this.block(fs, s.body);
    fs.popScope();
    fs.loops.pop();
    fs.at(s);
    const next = fs.emit(Op.FORITER, it, varReg, bodyStart);
    fs.patch(toNext, next);
    fs.patchAll(loop.continues, next);
    fs.patchAll(loop.breaks, fs.pc);
    fs.popScope();
    fs.freeTo(mark);
  }

  private matchStmt(fs: FuncState, s: A.MatchStmt): void {
    const mark = fs.nextReg;
    const subject = fs.allocReg();
    compileExprTo(this, fs, s.subject, subject, false);
    fs.pushScope();
    fs.declareLocal("\u0000match", subject, "let");
    const ends: number[] = [];
    for (const c of s.cases) {
      fs.at(c);
      const test = fs.emit(Op.MATCHTAG, subject, fs.constant(c.pattern));
      fs.pushScope();
      if (c.binding !== null) {
        const r = fs.allocReg();
        fs.emit(Op.MATCHBIND, r, subject);
        fs.declareLocal(c.binding, r, "let");
      }
      this.block(fs, c.body);
      fs.popScope();
      ends.push(fs.emit(Op.JMP));
      fs.patch(test, fs.pc);
    }
    if (s.default) this.scopedBlock(fs, s.default);
    fs.patchAll(ends, fs.pc);
    fs.popScope();
    fs.freeTo(mark);
  }

  private tryStmt(fs: FuncState, s: A.TryStmt): void {
    const mark = fs.nextReg;
    const errReg = fs.allocReg();
    const tryPc = fs.emit(Op.TRY, 0, errReg);
    fs.tryDepth++;
    this.scopedBlock(fs, s.body);
    fs.tryDepth--;
    fs.emit(Op.ENDTRY);
    const end = fs.emit(Op.JMP);
    fs.patch(tryPc, fs.pc);
    fs.pushScope();
    fs.declareLocal(s.errName, errReg, "mut");
    this.block(fs, s.handler);
    fs.popScope();
    fs.patch(end, fs.pc);
    fs.freeTo(mark);
  }

  private structStmt(fs: FuncState, s: A.StructStmt): void {
    this.program.structFields.set(s.name, s.fields);
    let table = this.program.methods.get(s.name);
    if (!table) this.program.methods.set(s.name, (table = new Map()));
    // Methods are compiled at module level: they see globals, never a function's locals.
    const moduleMain = rootOf(fs);
    for (const def of s.methods) {
      if (def.isGenerator) throw this.error(fs, `Generator methods are not supported for structs: ${def.name}`, def);
      const methodName = def.name.includes(".") ? def.name.slice(def.name.indexOf(".") + 1) : def.name;
      table.set(methodName, this.compileFunction(moduleMain, def, s.fields));
    }
  }

  private importStmt(fs: FuncState, s: A.ImportStmt): void {
    const program = this.loader(s.path, fs.proto.module.file);
    const module = this.compileModule(program);
    fs.emit(Op.IMPORT, module.index);
    const names = s.names ?? (module.exports ? [...module.exports] : module.globalNames.filter((n) => !n.startsWith("\u0000")));
    for (const name of names) {
      const g = this.globalSlot(fs.proto.module, name);
      fs.emit(Op.IMPORTNAME, g, module.index, fs.constant(name));
    }
  }

  private exportStmt(fs: FuncState, s: A.ExportStmt): void {
    const module = fs.proto.module;
    module.exports ??= new Set();
    const inner = s.stmt;
    if (inner.kind === "FuncStmt") module.exports.add(inner.def.name);
    else if (inner.kind === "Let" && inner.pattern.kind === "NamePat") module.exports.add(inner.pattern.name);
    else if (inner.kind === "Struct" || inner.kind === "Enum") module.exports.add(inner.name);
    else if (inner.kind === "Assign" && inner.target.kind === "Ident") module.exports.add(inner.target.name);
    this.stmt(fs, inner);
  }

  // ---------------------------------------------------------------------------
  // Functions

  /** Top-level `func` declarations are hoisted: defined before the first statement runs. */
  private hoistFunctions(fs: FuncState, body: A.Stmt[]): void {
    for (const s of body) {
      const def = s.kind === "FuncStmt" ? s.def : s.kind === "Export" && s.stmt.kind === "FuncStmt" ? s.stmt.def : null;
      if (!def) continue;
      if (s.kind === "Export") (fs.proto.module.exports ??= new Set()).add(def.name);
      const mark = fs.nextReg;
      const reg = fs.allocReg();
      fs.at(def);
      this.closure(fs, def, reg);
      fs.emit(Op.DEFGLOBAL, reg, this.globalSlot(fs.proto.module, def.name), GLOBAL_KIND.mut);
      fs.freeTo(mark);
    }
  }

  /** A named function inside a block: a local binding, visible to its own body. */
  private localFunction(fs: FuncState, def: A.FuncDef): void {
    const reg = fs.allocReg();
    fs.declareLocal(def.name, reg, "func");
    this.closure(fs, def, reg);
  }

  /** Emit CLOSURE for `def` into register dst. */
  closure(fs: FuncState, def: A.FuncDef, dst: number): void {
    const proto = this.compileFunction(fs, def, null);
    const index = fs.proto.protos.length;
    fs.proto.protos.push(proto);
    fs.emit(Op.CLOSURE, dst, index);
  }

  /** Compile a function body. legacyFields: a struct's fields for methods without `self`. */
  compileFunction(parent: FuncState, def: A.FuncDef, legacyFields: string[] | null): FunctionProto {
    const isMethod = legacyFields !== null;
    const fs = new FuncState(def.name, def.params.length, parent.proto.module, parent, false);
    fs.proto.isGenerator = def.isGenerator;
    fs.proto.isMethod = isMethod;
    fs.at(def);
    if (isMethod) fs.declareLocal(def.hasSelf ? "self" : "\u0000self", fs.allocReg(), "self");
    const seen = new Set<string>();
    for (const p of def.params) {
      if (seen.has(p.name)) throw this.error(parent, `Duplicate declaration in the same scope: ${p.name}`, p);
      seen.add(p.name);
      fs.declareLocal(p.name, fs.allocReg(), "param");
    }
    const prologue = fs.emit(Op.NOP);
    if (isMethod && !def.hasSelf) {
      // Legacy methods: the receiver's fields are plain locals.
      for (const field of legacyFields) {
        const r = fs.allocReg();
        fs.emit(Op.GETFIELD, r, 0, fs.constant(field));
        fs.declareLocal(field, r, "mut");
      }
    }
    this.block(fs, def.body);
    fs.emit(Op.RETNULL);
    this.finishDynPrologue(fs, prologue);
    const proto = fs.finish();
    // A named local function that calls itself captured its own (not yet assigned)
    // register: the interpreter stores the new closure into that cell.
    proto.selfCell = proto.captures.findIndex((c) => c.name === def.name && c.fromRegister && parent.findLocal(def.name)?.kind === "func");
    return proto;
  }

  /** The prologue-loaded register holding constant k (see FuncState.constRegs). */
  constRegister(fs: FuncState, k: number): number {
    let reg = fs.constRegs.get(k);
    if (reg === undefined) fs.constRegs.set(k, (reg = fs.allocDynReg()));
    return reg;
  }

  /**
   * The prologue: registers of function-scoped dynamic names start out undefined, and
   * loop constants get loaded. The entry NOP becomes a jump to code at the end that
   * does this and jumps back.
   */
  private finishDynPrologue(fs: FuncState, prologue: number): void {
    if (fs.dynLocals.size === 0 && fs.constRegs.size === 0) {
      fs.proto.entryPc = prologue + 4;
      return;
    }
    const start = fs.pc;
    const undef = fs.constant(UNDEFINED_MARK);
    for (const reg of fs.dynLocals.values()) fs.emit(Op.LOADK, reg, undef);
    for (const [k, reg] of fs.constRegs) fs.emit(Op.LOADK, reg, k);
    fs.emit(Op.ENDPROLOGUE, prologue + 4);
    rewriteAsJump(fs, prologue, start);
  }
}

/** Marker stored in a dynamic-local register that has not been assigned yet. */
export const UNDEFINED_MARK = Symbol.for("ruff.undefined") as unknown as null;

function rewriteAsJump(fs: FuncState, pc: number, target: number): void {
  // The prologue slot was emitted as NOP; turn it into JMP target.
  (fs as unknown as { code: number[] }).code[pc] = Op.JMP;
  fs.setOperand(pc, 0, target);
}

export interface MutableBase {
  reg: number;
  /** The variable read into a temporary that must be written back, if any. */
  root: { name: string; reg: number } | null;
}

const ARITH_OPCODE: Record<"+" | "-" | "*" | "/" | "%", number> = { "+": Op.ADD, "-": Op.SUB, "*": Op.MUL, "/": Op.DIV, "%": Op.MOD };

/** The variable at the root of an assignment target (`a` in `a[i].f`), if any. */
function rootName(target: A.Expr): string | null {
  let e = target;
  while (e.kind === "Index" || e.kind === "Field") e = e.object;
  return e.kind === "Ident" ? e.name : null;
}

function rootOf(fs: FuncState): FuncState {
  let f = fs;
  while (f.parent) f = f.parent;
  return f;
}

function isBoundRegister(fs: FuncState, reg: number): boolean {
  for (const scope of fs.scopes) for (const v of scope.values()) if (v.reg === reg) return true;
  return false;
}

export function reassignError(kind: BindingKind, name: string): string | null {
  if (kind === "let") return `Cannot reassign immutable let binding: ${name}`;
  if (kind === "const") return `Cannot reassign const binding: ${name}`;
  return null;
}

export function mutateError(kind: BindingKind, name: string): string | null {
  if (kind === "let") return `Cannot mutate immutable let binding: ${name}`;
  if (kind === "const") return `Cannot mutate const binding: ${name}`;
  return null;
}
