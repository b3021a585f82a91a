/**
 * Python's abstract syntax as CPython 3.11's `ast` module builds it (scanner.md §3.1), produced from
 * the tree-sitter tree by `toPythonAst`. Every rule of the scanner is written against these nodes.
 *
 * Field names and field order follow CPython's `_fields`; `FIELD_ORDER` lists the node-valued
 * fields in that order so the breadth-first walk (§3.2) visits children exactly as `ast.walk` does.
 * Expression contexts and operators are plain strings here, not nodes: they are leaves of the walk,
 * so leaving them out changes neither the relative order of the other nodes nor any rule.
 * @module
 */

/** 1-based line and 1-based column counted in Unicode code points (scanner.md §2.1). */
export interface Span {
  readonly line: number;
  readonly col: number;
}

export type ExprContext = "Load" | "Store" | "Del";

/** A decoded constant value. `str` values are JavaScript strings (UTF-16, lone surrogates kept). */
export type ConstantValue =
  | { readonly type: "str"; readonly value: string }
  | { readonly type: "bytes"; readonly value: Uint8Array }
  | { readonly type: "int"; readonly value: bigint }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "complex"; readonly imag: number }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "None" }
  | { readonly type: "Ellipsis" };

interface Base<K extends string> extends Span {
  readonly kind: K;
}

// ---------------------------------------------------------------- module and statements

export interface Module extends Base<"Module"> {
  readonly body: Stmt[];
}

export interface FunctionDef extends Base<"FunctionDef" | "AsyncFunctionDef"> {
  readonly name: string;
  readonly args: Arguments;
  readonly body: Stmt[];
  readonly decorator_list: Expr[];
  readonly returns: Expr | null;
}

export interface ClassDef extends Base<"ClassDef"> {
  readonly name: string;
  readonly bases: Expr[];
  readonly keywords: Keyword[];
  readonly body: Stmt[];
  readonly decorator_list: Expr[];
}

export interface Return extends Base<"Return"> {
  readonly value: Expr | null;
}
export interface Delete extends Base<"Delete"> {
  readonly targets: Expr[];
}
export interface Assign extends Base<"Assign"> {
  readonly targets: Expr[];
  readonly value: Expr;
}
export interface AugAssign extends Base<"AugAssign"> {
  readonly target: Expr;
  readonly op: string;
  readonly value: Expr;
}
export interface AnnAssign extends Base<"AnnAssign"> {
  readonly target: Expr;
  readonly annotation: Expr;
  readonly value: Expr | null;
  readonly simple: number;
}
export interface For extends Base<"For" | "AsyncFor"> {
  readonly target: Expr;
  readonly iter: Expr;
  readonly body: Stmt[];
  readonly orelse: Stmt[];
}
export interface While extends Base<"While"> {
  readonly test: Expr;
  readonly body: Stmt[];
  readonly orelse: Stmt[];
}
export interface If extends Base<"If"> {
  readonly test: Expr;
  readonly body: Stmt[];
  readonly orelse: Stmt[];
}
export interface With extends Base<"With" | "AsyncWith"> {
  readonly items: WithItem[];
  readonly body: Stmt[];
}
export interface Match extends Base<"Match"> {
  readonly subject: Expr;
  readonly cases: MatchCase[];
}
export interface Raise extends Base<"Raise"> {
  readonly exc: Expr | null;
  readonly cause: Expr | null;
}
export interface Try extends Base<"Try" | "TryStar"> {
  readonly body: Stmt[];
  readonly handlers: ExceptHandler[];
  readonly orelse: Stmt[];
  readonly finalbody: Stmt[];
}
export interface Assert extends Base<"Assert"> {
  readonly test: Expr;
  readonly msg: Expr | null;
}
export interface Import extends Base<"Import"> {
  readonly names: Alias[];
}
export interface ImportFrom extends Base<"ImportFrom"> {
  /** `null` for a pure relative import (`from . import x`). */
  readonly module: string | null;
  readonly names: Alias[];
  readonly level: number;
}
export interface Global extends Base<"Global" | "Nonlocal"> {
  readonly names: string[];
}
export interface ExprStmt extends Base<"Expr"> {
  readonly value: Expr;
}
export interface Simple extends Base<"Pass" | "Break" | "Continue"> {}

export type Stmt =
  | FunctionDef
  | ClassDef
  | Return
  | Delete
  | Assign
  | AugAssign
  | AnnAssign
  | For
  | While
  | If
  | With
  | Match
  | Raise
  | Try
  | Assert
  | Import
  | ImportFrom
  | Global
  | ExprStmt
  | Simple;

// ---------------------------------------------------------------- expressions

export interface BoolOp extends Base<"BoolOp"> {
  readonly op: "And" | "Or";
  readonly values: Expr[];
}
export interface NamedExpr extends Base<"NamedExpr"> {
  readonly target: Name;
  readonly value: Expr;
}
export interface BinOp extends Base<"BinOp"> {
  readonly left: Expr;
  readonly op: string;
  readonly right: Expr;
}
export interface UnaryOp extends Base<"UnaryOp"> {
  readonly op: "Invert" | "Not" | "UAdd" | "USub";
  readonly operand: Expr;
}
export interface Lambda extends Base<"Lambda"> {
  readonly args: Arguments;
  readonly body: Expr;
}
export interface IfExp extends Base<"IfExp"> {
  readonly test: Expr;
  readonly body: Expr;
  readonly orelse: Expr;
}
export interface Dict extends Base<"Dict"> {
  /** `null` marks a `**mapping` entry, as in CPython. */
  readonly keys: (Expr | null)[];
  readonly values: Expr[];
}
export interface SetExpr extends Base<"Set"> {
  readonly elts: Expr[];
}
export interface Comp extends Base<"ListComp" | "SetComp" | "GeneratorExp"> {
  readonly elt: Expr;
  readonly generators: Comprehension[];
}
export interface DictComp extends Base<"DictComp"> {
  readonly key: Expr;
  readonly value: Expr;
  readonly generators: Comprehension[];
}
export interface Await extends Base<"Await" | "YieldFrom"> {
  readonly value: Expr;
}
export interface Yield extends Base<"Yield"> {
  readonly value: Expr | null;
}
export interface Compare extends Base<"Compare"> {
  readonly left: Expr;
  readonly ops: string[];
  readonly comparators: Expr[];
}
export interface Call extends Base<"Call"> {
  readonly func: Expr;
  readonly args: Expr[];
  readonly keywords: Keyword[];
}
export interface FormattedValue extends Base<"FormattedValue"> {
  readonly value: Expr;
  /** -1 for none, else the code of `s`, `r` or `a` (115, 114, 97), as CPython. */
  readonly conversion: number;
  readonly format_spec: JoinedStr | null;
}
export interface JoinedStr extends Base<"JoinedStr"> {
  readonly values: (Constant | FormattedValue)[];
}
export interface Constant extends Base<"Constant"> {
  readonly value: ConstantValue;
}
export interface Attribute extends Base<"Attribute"> {
  readonly value: Expr;
  readonly attr: string;
  readonly ctx: ExprContext;
}
export interface Subscript extends Base<"Subscript"> {
  readonly value: Expr;
  readonly slice: Expr;
  readonly ctx: ExprContext;
}
export interface Starred extends Base<"Starred"> {
  readonly value: Expr;
  readonly ctx: ExprContext;
}
export interface Name extends Base<"Name"> {
  readonly id: string;
  readonly ctx: ExprContext;
}
export interface Sequence extends Base<"List" | "Tuple"> {
  readonly elts: Expr[];
  readonly ctx: ExprContext;
}
export interface Slice extends Base<"Slice"> {
  readonly lower: Expr | null;
  readonly upper: Expr | null;
  readonly step: Expr | null;
}

export type Expr =
  | BoolOp
  | NamedExpr
  | BinOp
  | UnaryOp
  | Lambda
  | IfExp
  | Dict
  | SetExpr
  | Comp
  | DictComp
  | Await
  | Yield
  | Compare
  | Call
  | FormattedValue
  | JoinedStr
  | Constant
  | Attribute
  | Subscript
  | Starred
  | Name
  | Sequence
  | Slice;

// ---------------------------------------------------------------- auxiliary nodes

export interface Comprehension extends Base<"comprehension"> {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: Expr[];
  readonly is_async: number;
}
export interface ExceptHandler extends Base<"ExceptHandler"> {
  readonly type: Expr | null;
  readonly name: string | null;
  readonly body: Stmt[];
}
export interface Arguments extends Base<"arguments"> {
  readonly posonlyargs: Arg[];
  readonly args: Arg[];
  readonly vararg: Arg | null;
  readonly kwonlyargs: Arg[];
  /** One entry per keyword-only parameter; `null` where it has no default. */
  readonly kw_defaults: (Expr | null)[];
  readonly kwarg: Arg | null;
  readonly defaults: Expr[];
}
export interface Arg extends Base<"arg"> {
  readonly arg: string;
  readonly annotation: Expr | null;
}
export interface Keyword extends Base<"keyword"> {
  /** `null` for a `**mapping` argument. */
  readonly arg: string | null;
  readonly value: Expr;
}
export interface Alias extends Base<"alias"> {
  readonly name: string;
  readonly asname: string | null;
}
export interface WithItem extends Base<"withitem"> {
  readonly context_expr: Expr;
  readonly optional_vars: Expr | null;
}
export interface MatchCase extends Base<"match_case"> {
  readonly pattern: Pattern;
  readonly guard: Expr | null;
  readonly body: Stmt[];
}

export interface MatchValue extends Base<"MatchValue"> {
  readonly value: Expr;
}
export interface MatchSingleton extends Base<"MatchSingleton"> {
  readonly value: ConstantValue;
}
export interface MatchSequence extends Base<"MatchSequence"> {
  readonly patterns: Pattern[];
}
export interface MatchMapping extends Base<"MatchMapping"> {
  readonly keys: Expr[];
  readonly patterns: Pattern[];
  readonly rest: string | null;
}
export interface MatchClass extends Base<"MatchClass"> {
  readonly cls: Expr;
  readonly patterns: Pattern[];
  readonly kwd_attrs: string[];
  readonly kwd_patterns: Pattern[];
}
export interface MatchStar extends Base<"MatchStar"> {
  readonly name: string | null;
}
export interface MatchAs extends Base<"MatchAs"> {
  readonly pattern: Pattern | null;
  readonly name: string | null;
}
export interface MatchOr extends Base<"MatchOr"> {
  readonly patterns: Pattern[];
}

export type Pattern =
  | MatchValue
  | MatchSingleton
  | MatchSequence
  | MatchMapping
  | MatchClass
  | MatchStar
  | MatchAs
  | MatchOr;

/** Any node of the converted tree. */
export type PyNode =
  | Module
  | Stmt
  | Expr
  | Comprehension
  | ExceptHandler
  | Arguments
  | Arg
  | Keyword
  | Alias
  | WithItem
  | MatchCase
  | Pattern;

export type NodeKind = PyNode["kind"];

/** The node of a given kind. */
export type NodeOf<K extends NodeKind> = Extract<PyNode, { kind: K }>;

/**
 * Node-valued fields per kind, in CPython's `_fields` order (scanner.md §3.2). Fields holding
 * strings, numbers or contexts are left out: they are not nodes.
 */
export const FIELD_ORDER: { readonly [K in NodeKind]: readonly string[] } = {
  Module: ["body"],
  FunctionDef: ["args", "body", "decorator_list", "returns"],
  AsyncFunctionDef: ["args", "body", "decorator_list", "returns"],
  ClassDef: ["bases", "keywords", "body", "decorator_list"],
  Return: ["value"],
  Delete: ["targets"],
  Assign: ["targets", "value"],
  AugAssign: ["target", "value"],
  AnnAssign: ["target", "annotation", "value"],
  For: ["target", "iter", "body", "orelse"],
  AsyncFor: ["target", "iter", "body", "orelse"],
  While: ["test", "body", "orelse"],
  If: ["test", "body", "orelse"],
  With: ["items", "body"],
  AsyncWith: ["items", "body"],
  Match: ["subject", "cases"],
  Raise: ["exc", "cause"],
  Try: ["body", "handlers", "orelse", "finalbody"],
  TryStar: ["body", "handlers", "orelse", "finalbody"],
  Assert: ["test", "msg"],
  Import: ["names"],
  ImportFrom: ["names"],
  Global: [],
  Nonlocal: [],
  Expr: ["value"],
  Pass: [],
  Break: [],
  Continue: [],
  BoolOp: ["values"],
  NamedExpr: ["target", "value"],
  BinOp: ["left", "right"],
  UnaryOp: ["operand"],
  Lambda: ["args", "body"],
  IfExp: ["test", "body", "orelse"],
  Dict: ["keys", "values"],
  Set: ["elts"],
  ListComp: ["elt", "generators"],
  SetComp: ["elt", "generators"],
  GeneratorExp: ["elt", "generators"],
  DictComp: ["key", "value", "generators"],
  Await: ["value"],
  YieldFrom: ["value"],
  Yield: ["value"],
  Compare: ["left", "comparators"],
  Call: ["func", "args", "keywords"],
  FormattedValue: ["value", "format_spec"],
  JoinedStr: ["values"],
  Constant: [],
  Attribute: ["value"],
  Subscript: ["value", "slice"],
  Starred: ["value"],
  Name: [],
  List: ["elts"],
  Tuple: ["elts"],
  Slice: ["lower", "upper", "step"],
  comprehension: ["target", "iter", "ifs"],
  ExceptHandler: ["type", "body"],
  arguments: ["posonlyargs", "args", "vararg", "kwonlyargs", "kw_defaults", "kwarg", "defaults"],
  arg: ["annotation"],
  keyword: ["value"],
  alias: [],
  withitem: ["context_expr", "optional_vars"],
  match_case: ["pattern", "guard", "body"],
  MatchValue: ["value"],
  MatchSingleton: [],
  MatchSequence: ["patterns"],
  MatchMapping: ["keys", "patterns"],
  MatchClass: ["cls", "patterns", "kwd_patterns"],
  MatchStar: [],
  MatchAs: ["pattern"],
  MatchOr: ["patterns"],
};
