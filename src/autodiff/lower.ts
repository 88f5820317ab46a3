// AST → graph: resolves names (inputs, constants, assigned names), checks functions and arity, and builds the
// Wengert list with shared subexpressions. One place for all name and arity diagnostics. No recursion: the AST
// is walked with an explicit stack, so a 10,000-term sum or a 1,000-deep composition lowers fine.
import { AdiffError, type Diagnostic, type Source, type Span } from '../diagnostics.js';
import type { Expr, Program } from '../parser/ast.js';
import { GraphBuilder, type Graph, type GraphNode, type NodeId } from './graph.js';
import { PRIMS, type PrimName } from './primitives.js';

// Name tables are prototype-free objects, so that a variable called `constructor` or `__proto__` is never
// mistaken for a table entry.

/** The named constants of the language (an assignment to the same name shadows them). */
export const CONSTANTS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { pi: Math.PI, π: Math.PI, e: Math.E });

type FunctionRule =
  | { kind: 'prim'; prim: PrimName; arity: number | 'variadic' }
  | { kind: 'log' } // log(x) is ln(x); log(x, b) is the base-b logarithm
  | { kind: 'pow' }; // pow(x, y) is x^y

/** Surface function names: every primitive that prints as a call, plus `log` with one or two arguments and `pow`. */
export const FUNCTIONS: Record<string, FunctionRule> = (() => {
  const table = Object.create(null) as Record<string, FunctionRule>;
  for (const [prim, rule] of Object.entries(PRIMS) as [PrimName, (typeof PRIMS)[PrimName]][]) {
    if (rule.print.kind === 'call' && prim !== 'logb') table[rule.print.name] = { kind: 'prim', prim, arity: rule.arity };
  }
  table.log = { kind: 'log' };
  table.pow = { kind: 'pow' };
  return table;
})();

export interface Statement {
  /** The assigned name, for an assignment. */
  name?: string;
  node: NodeId;
  span: Span;
}

export interface Lowered {
  graph: Graph;
  source: Source;
  /** Every statement with its node, in program order. */
  statements: Statement[];
  /** The default output: the last bare expression, or the last assignment when there is none. */
  output: Statement;
  /** The bare expression statements (several outputs, for Jacobians). */
  expressions: Statement[];
  warnings: Diagnostic[];
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** The closest known function name, if one is close enough to be a likely typo. */
export function suggestFunction(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const f of Object.keys(FUNCTIONS)) {
    const dist = editDistance(name.toLowerCase(), f);
    if (dist < bestDistance) {
      best = f;
      bestDistance = dist;
    }
  }
  return bestDistance <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? best : undefined;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export interface LowerOptions {
  /** Input names declared in advance: they are the first inputs, in this order, whether the formula uses them or not. */
  inputs?: readonly string[];
}

export function lower(program: Program, source: Source = { name: 'expr', text: program.text }, options: LowerOptions = {}): Lowered {
  const builder = new GraphBuilder(false);
  // Declared inputs come first, in the order given (the formula may leave some of them unused).
  for (const name of options.inputs ?? []) builder.input(name);
  const warnings: Diagnostic[] = [];
  const error = (kind: Diagnostic['kind'], message: string, span: Span, hint?: string): never => {
    throw new AdiffError({ kind, message, source, span, hint });
  };

  // Where each name is first assigned, to tell "used before it is assigned" from a free variable.
  const assignedAt = new Map<string, number>();
  program.statements.forEach((s, i) => {
    if (s.kind === 'assign' && !assignedAt.has(s.name)) assignedAt.set(s.name, i);
  });

  const scope = new Map<string, { node: NodeId; span: Span }>();
  // Per built node: is it free of inputs, and if so its value (to recognise constant exponents).
  const constantValue: (number | undefined)[] = [];
  const noteNode = (id: NodeId): NodeId => {
    if (id < constantValue.length) return id;
    const n = builder.nodes[id]!;
    if (n.kind === 'const') constantValue[id] = n.value;
    else if (n.kind === 'input') constantValue[id] = undefined;
    else {
      const vals = n.args.map((a) => constantValue[a]);
      constantValue[id] = vals.every((v) => v !== undefined) ? PRIMS[n.op].eval(vals as number[], n.param) : undefined;
    }
    return id;
  };
  const apply = (op: PrimName, args: NodeId[], span: Span, param = NaN) => noteNode(builder.apply(op, args, param, span));
  const power = (base: NodeId, exponent: NodeId, span: Span): NodeId => {
    const c = constantValue[exponent];
    if (c !== undefined) return apply('powc', [base], span, c);
    // 0^u with a variable u is a step: 0 for u > 0, 1 at u = 0, +∞ for u < 0, with derivative 0 wherever it has one.
    // x^y's rule would give ∂/∂u = 0^u·ln 0 = 0·(-∞) = NaN; (1 - sign(u))/(1 + sign(u)) has the same values and the
    // derivative 0 (and sign's kink warning at u = 0, where 0^u jumps).
    if (constantValue[base] === 0) {
      const s = apply('sign', [exponent], span);
      return apply('div', [apply('sub', [noteNode(builder.constant(1, { span })), s], span), apply('add', [noteNode(builder.constant(1, { span })), s], span)], span);
    }
    return apply('pow', [base, exponent], span);
  };

  const lowerName = (name: string, span: Span, statementIndex: number): NodeId => {
    const bound = scope.get(name);
    if (bound) return bound.node;
    const at = assignedAt.get(name);
    if (at !== undefined) {
      if (at === statementIndex) error('name', `'${name}' is used in its own definition`, span, `'${name}' has no value until this statement ends`);
      error('name', `'${name}' is used before it is assigned`, span, `move the assignment of '${name}' above this statement`);
    }
    if (name in CONSTANTS) return noteNode(builder.constant(CONSTANTS[name]!, { symbol: name === 'π' ? 'pi' : name, span }));
    if (name in FUNCTIONS) error('name', `'${name}' is a function, not a value`, span, `call it: ${name}(...)`);
    return noteNode(builder.input(name, span));
  };

  const lowerCall = (e: Extract<Expr, { kind: 'call' }>, args: NodeId[]): NodeId => {
    const rule = FUNCTIONS[e.name];
    if (!rule) {
      if (scope.has(e.name) || assignedAt.has(e.name) || !suggestFunction(e.name)) {
        const known = scope.has(e.name) || assignedAt.has(e.name);
        error('name', known ? `'${e.name}' is not a function` : `unknown function '${e.name}'`, e.nameSpan, `for a product write ${e.name}*(...)`);
      }
      error('name', `unknown function '${e.name}' (did you mean '${suggestFunction(e.name)}'?)`, e.nameSpan);
    }
    const arityError = (expected: string): never =>
      error('arity', `${e.name} takes ${expected}, but was given ${args.length}`, e.span);
    switch (rule.kind) {
      case 'log':
        if (args.length === 1) return apply('ln', args, e.span);
        if (args.length === 2) return apply('logb', args, e.span);
        return arityError('1 or 2 arguments (log(x) is ln(x); log(x, b) is base b)');
      case 'pow':
        if (args.length !== 2) arityError('2 arguments');
        return power(args[0]!, args[1]!, e.span);
      case 'prim':
        if (rule.arity === 'variadic') {
          // max(x) and min(x) are x (as in mathjs); hypot needs two.
          if (args.length === 1 && (rule.prim === 'max' || rule.prim === 'min')) return args[0]!;
          if (args.length < 2) arityError(rule.prim === 'hypot' ? '2 or more arguments' : '1 or more arguments');
        } else if (rule.prim === 'nthRoot' && args.length === 1) return apply('sqrt', args, e.span); // mathjs: the root defaults to 2
        else if (args.length !== rule.arity) arityError(plural(rule.arity, 'argument'));
        if (rule.prim === 'nthRoot' || rule.prim === 'polygamma') return lowerIntegerParameter(rule.prim, e, args);
        return apply(rule.prim, args, e.span);
    }
  };

  /** nthRoot(x, n) and polygamma(n, x): n must be a constant integer (≠ 0, resp. ≥ 0), said at its place. */
  const lowerIntegerParameter = (prim: 'nthRoot' | 'polygamma', e: Extract<Expr, { kind: 'call' }>, args: NodeId[]): NodeId => {
    const at = prim === 'nthRoot' ? 1 : 0;
    const n = constantValue[args[at]!];
    const ok = n !== undefined && Number.isInteger(n) && (prim === 'nthRoot' ? n !== 0 : n >= 0);
    if (!ok) {
      const what = prim === 'nthRoot' ? 'the root n of nthRoot(x, n) must be a constant nonzero integer' : 'the order n of polygamma(n, x) must be a constant integer ≥ 0';
      const got = n === undefined ? 'it depends on a variable' : `it is ${n}`;
      error('arity', `${what}; ${got}`, e.args[at]!.span, prim === 'nthRoot' ? 'for a real power write x^(1/n)' : 'the order comes first: polygamma(1, x) is the trigamma function');
    }
    if (prim === 'nthRoot') {
      // The same values, from the rows that have them: nthRoot(x, 1) is x, (x, 2) is sqrt(x), (x, 3) is cbrt(x).
      if (n === 1) return args[0]!;
      if (n === 2) return apply('sqrt', [args[0]!], e.span);
      if (n === 3) return apply('cbrt', [args[0]!], e.span);
    }
    return apply(prim, args, e.span);
  };

  const checkLiteral = (e: Extract<Expr, { kind: 'number' }>) => {
    if (e.value === Infinity) {
      warnings.push({ severity: 'warning', kind: 'domain', message: `the number ${e.text} is too large for double precision; it is Infinity`, source, span: e.span });
    } else if (e.value === 0 && /[1-9]/.test(e.text.split(/[eE]/)[0]!)) {
      warnings.push({ severity: 'warning', kind: 'domain', message: `the number ${e.text} is too small for double precision; it is 0`, source, span: e.span });
    }
  };

  /** Lowers one expression with an explicit stack (post-order, left to right: names meet in source order). */
  const lowerExpr = (root: Expr, statementIndex: number): NodeId => {
    const work: { e: Expr; expanded: boolean }[] = [{ e: root, expanded: false }];
    const results: NodeId[] = [];
    while (work.length > 0) {
      const item = work.pop()!;
      const e = item.e;
      if (!item.expanded) {
        if (e.kind === 'number') {
          checkLiteral(e);
          results.push(noteNode(builder.constant(e.value, { text: e.text, span: e.span })));
          continue;
        }
        if (e.kind === 'name') {
          results.push(lowerName(e.name, e.span, statementIndex));
          continue;
        }
        item.expanded = true;
        work.push(item);
        const kids = e.kind === 'unary' ? [e.arg] : e.kind === 'binary' ? [e.left, e.right] : e.args;
        for (let i = kids.length - 1; i >= 0; i--) work.push({ e: kids[i]!, expanded: false });
        continue;
      }
      if (e.kind === 'unary') {
        const x = results.pop()!;
        results.push(e.op === '-' ? apply('neg', [x], e.span) : x);
      } else if (e.kind === 'binary') {
        const b = results.pop()!;
        const a = results.pop()!;
        if (e.op === '^') results.push(power(a, b, e.span));
        else results.push(apply(({ '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' } as const)[e.op], [a, b], e.span));
      } else if (e.kind === 'call') {
        const args = results.splice(results.length - e.args.length);
        results.push(lowerCall(e, args));
      }
    }
    return results[0]!;
  };

  const statements: Statement[] = [];
  program.statements.forEach((s, i) => {
    if (s.kind === 'assign') {
      if (s.name in FUNCTIONS) error('name', `cannot assign to '${s.name}': it is a function`, s.nameSpan, 'choose another name');
      const earlier = scope.get(s.name);
      if (earlier) error('name', `'${s.name}' is assigned twice`, s.nameSpan, 'each name is assigned once; choose a new name for the new value');
      const node = lowerExpr(s.expr, i);
      scope.set(s.name, { node, span: s.nameSpan });
      statements.push({ name: s.name, node, span: s.span });
    } else {
      statements.push({ node: lowerExpr(s.expr, i), span: s.span });
    }
  });
  if (statements.length === 0) {
    throw new AdiffError({ kind: 'syntax', message: 'the program is empty: there is nothing to evaluate', source, span: { start: 0, end: 0 } });
  }

  const { graph, remap } = inputsFirst(builder.nodes, scope);
  const mapped = statements.map((s) => ({ ...s, node: remap[s.node]! }));
  const expressions = mapped.filter((s) => s.name === undefined);
  const output = expressions.length > 0 ? expressions[expressions.length - 1]! : mapped[mapped.length - 1]!;
  return { graph, source, statements: mapped, output, expressions, warnings };
}

/** Reorders nodes so inputs come first (in order of first appearance), keeping every other node's order. */
function inputsFirst(nodes: GraphNode[], scope: Map<string, { node: NodeId }>): { graph: Graph; remap: NodeId[] } {
  const order: NodeId[] = [];
  nodes.forEach((n, i) => n.kind === 'input' && order.push(i));
  const inputCount = order.length;
  nodes.forEach((n, i) => n.kind !== 'input' && order.push(i));
  const remap: NodeId[] = new Array(nodes.length);
  order.forEach((old, i) => (remap[old] = i));
  const out: GraphNode[] = order.map((old) => {
    const n = nodes[old]!;
    return n.kind === 'op' ? { ...n, args: n.args.map((a) => remap[a]!) } : n;
  });
  const inputs = out.slice(0, inputCount).map((_, i) => i);
  const inputNames = out.slice(0, inputCount).map((n) => (n as { name: string }).name);
  const names = [...scope.entries()].map(([name, b]) => ({ name, node: remap[b.node]! }));
  return { graph: { nodes: out, inputs, inputNames, names }, remap };
}
