/**
 * Function and lambda parameter lists to CPython's `arguments` node: positional-only parameters
 * before `/`, keyword-only ones after `*` or `*args`, defaults split as CPython splits them.
 * @module
 */
import type { SyntaxNode as TsNode } from "./syntax-tree.js";
import { type ConvertContext, field, named, requireField, spanOf, syntaxError, unsupported } from "./context.js";
import { convertExpr } from "./convert-expr.js";
import type { Arg, Arguments, Expr } from "./nodes.js";

interface Parameter {
  readonly arg: Arg;
  readonly default: Expr | null;
}

/** Converts a `parameters` or `lambda_parameters` node (`null` for `lambda: x`). */
export function convertParameters(c: ConvertContext, node: TsNode | null, owner: TsNode, annotations = true): Arguments {
  const positional: Parameter[] = [];
  let posonlyCount = 0;
  const kwonly: Parameter[] = [];
  let vararg: Arg | null = null;
  let kwarg: Arg | null = null;
  let starSeen = false;

  for (const child of node === null ? [] : named(node)) {
    if (kwarg !== null) throw syntaxError(c, child, "arguments cannot follow var-keyword argument");
    switch (child.type) {
      case "positional_separator":
        if (starSeen || posonlyCount > 0 || positional.length === 0) throw syntaxError(c, child, "invalid '/' in parameters");
        posonlyCount = positional.length;
        continue;
      case "keyword_separator":
        if (starSeen) throw syntaxError(c, child, "* argument may appear only once");
        starSeen = true;
        continue;
      case "tuple_pattern":
        throw unsupported(c, child, "tuple parameter unpacking (Python 2)");
    }
    const { arg, splat, defaultValue } = readParameter(c, child, annotations);
    if (splat === "*") {
      if (starSeen) throw syntaxError(c, child, "* argument may appear only once");
      starSeen = true;
      vararg = arg;
    } else if (splat === "**") {
      kwarg = arg;
    } else if (starSeen) {
      kwonly.push({ arg, default: defaultValue });
    } else {
      if (defaultValue === null && positional.some((p) => p.default !== null)) {
        throw syntaxError(c, child, "non-default argument follows default argument");
      }
      positional.push({ arg, default: defaultValue });
    }
  }
  if (starSeen && vararg === null && kwonly.length === 0) throw syntaxError(c, node ?? owner, "named arguments must follow bare *");

  return {
    kind: "arguments",
    ...spanOf(c, node ?? owner),
    posonlyargs: positional.slice(0, posonlyCount).map((p) => p.arg),
    args: positional.slice(posonlyCount).map((p) => p.arg),
    vararg,
    kwonlyargs: kwonly.map((p) => p.arg),
    kw_defaults: kwonly.map((p) => p.default),
    kwarg,
    defaults: positional.flatMap((p) => (p.default === null ? [] : [p.default])),
  };
}

function readParameter(c: ConvertContext, node: TsNode, annotations: boolean): { arg: Arg; splat: "" | "*" | "**"; defaultValue: Expr | null } {
  const typeNode = field(node, "type");
  if (typeNode !== null && !annotations) throw syntaxError(c, node, "lambda parameters cannot be annotated");
  const annotation = typeNode === null ? null : convertAnnotation(c, typeNode);
  switch (node.type) {
    case "identifier":
      return { arg: makeArg(c, node, null), splat: "", defaultValue: null };
    case "default_parameter":
    case "typed_default_parameter": {
      const name = requireField(c, node, "name");
      if (name.type !== "identifier") throw unsupported(c, name, "tuple parameter unpacking (Python 2)");
      return { arg: makeArg(c, name, annotation, node), splat: "", defaultValue: convertExpr(c, requireField(c, node, "value")) };
    }
    case "typed_parameter": {
      const inner = named(node).find((n) => n.type !== "type");
      if (inner === undefined) throw syntaxError(c, node, "malformed parameter");
      const { arg, splat } = readParameter(c, inner, annotations);
      return { arg: { ...arg, annotation }, splat, defaultValue: null };
    }
    case "list_splat_pattern":
    case "dictionary_splat_pattern": {
      const name = named(node)[0];
      if (name === undefined || name.type !== "identifier") throw syntaxError(c, node, "malformed star parameter");
      return { arg: makeArg(c, name, null), splat: node.type === "list_splat_pattern" ? "*" : "**", defaultValue: null };
    }
    default:
      throw syntaxError(c, node, `unexpected ${node.type.replaceAll("_", " ")} in parameters`);
  }
}

function makeArg(c: ConvertContext, name: TsNode, annotation: Expr | null, at: TsNode = name): Arg {
  return { kind: "arg", ...spanOf(c, at), arg: name.text, annotation };
}

/**
 * A `type` node (an annotation). tree-sitter reads some annotations with a type grammar
 * (`list[int]` as generic_type, `a | b` as union_type); CPython reads them as ordinary expressions.
 */
export function convertAnnotation(c: ConvertContext, node: TsNode): Expr {
  const span = spanOf(c, node);
  const children = named(node);
  switch (node.type) {
    case "type": {
      if (children.length !== 1) throw syntaxError(c, node, "malformed annotation");
      return convertAnnotation(c, children[0]!);
    }
    case "generic_type": {
      const [base, parameters] = children;
      if (base === undefined || parameters === undefined || parameters.type !== "type_parameter") throw syntaxError(c, node, "malformed annotation");
      const items = named(parameters).map((item) => convertAnnotation(c, item));
      const single = items.length === 1 && !parameters.children.some((t) => t !== null && !t.isNamed && t.type === ",");
      const slice: Expr = single ? items[0]! : { kind: "Tuple", ...spanOf(c, named(parameters)[0] ?? parameters), elts: items, ctx: "Load" };
      return { kind: "Subscript", ...span, value: convertAnnotation(c, base), slice, ctx: "Load" };
    }
    case "union_type": {
      const [left, right] = children;
      if (left === undefined || right === undefined) throw syntaxError(c, node, "malformed annotation");
      return { kind: "BinOp", ...span, left: convertAnnotation(c, left), op: "BitOr", right: convertAnnotation(c, right) };
    }
    case "member_type": {
      const object = children[0];
      const attribute = children.at(-1);
      if (children.length !== 2 || object === undefined || attribute === undefined) throw syntaxError(c, node, "malformed annotation");
      return { kind: "Attribute", ...span, value: convertAnnotation(c, object), attr: attribute.text, ctx: "Load" };
    }
    case "splat_type": {
      // `*args: *Ts` (PEP 646, Python 3.11)
      const name = children[0];
      if (name === undefined) throw syntaxError(c, node, "malformed annotation");
      return { kind: "Starred", ...span, value: convertExpr(c, name), ctx: "Load" };
    }
    case "constrained_type":
      throw unsupported(c, node, `annotation form '${node.type.replaceAll("_", " ")}' is not Python 3.11 syntax`);
    default:
      return convertExpr(c, node);
  }
}
