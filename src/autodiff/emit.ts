// Code emitting shared by the kernel compilers: numbers printed as literals that evaluate to exactly the same
// double, and an Emitter that turns rule-table partials into straight-line statements (`Ops<string>`).
import { makeOps, PRIMS, type Ops, type PrimName } from './primitives.js';

/** A number as a JavaScript expression that evaluates to exactly that double. */
export function literal(c: number): string {
  if (Number.isNaN(c)) return '(0 / 0)';
  if (c === Infinity) return '(1 / 0)';
  if (c === -Infinity) return '(-1 / 0)';
  if (Object.is(c, -0)) return '(-0)';
  const text = String(c); // shortest round-trip form: 0.1, 1e-7, 1.7976931348623157e+308
  if (!/^-?[0-9.]+(e[+-][0-9]+)?$/.test(text)) throw new Error(`cannot print the number ${text}`);
  return c < 0 ? `(${text})` : text;
}

/** A value known when compiling (a number) or computed at run time (the name of a local). */
export type Operand = { k: 'const'; c: number } | { k: 'code'; s: string };

/** Emits straight-line statements; `Ops<string>` over it turns rule-table partials into code. */
export class Emitter {
  readonly lines: string[] = [];
  private next = 0;
  private readonly literals = new Map<string, number>();
  private memo = new Map<string, string>();

  constructor(private readonly prefix: string) {}

  lit(c: number): string {
    const s = literal(c);
    this.literals.set(s, c);
    return s;
  }

  constOf(s: string): number | undefined {
    // Every literal starts with a digit or '(' (see literal()); a name never does, and needs no look-up.
    const c0 = s.charCodeAt(0);
    return c0 === 40 || (c0 >= 48 && c0 <= 57) ? this.literals.get(s) : undefined;
  }

  temp(code: string): string {
    const found = this.memo.get(code);
    if (found !== undefined) return found;
    const name = `${this.prefix}${this.next++}`;
    this.lines.push(`const ${name} = ${code};`);
    this.memo.set(code, name);
    return name;
  }

  /** Forget shared temporaries (they are block-scoped to the region where they were emitted). */
  resetMemo(): void {
    this.memo = new Map();
  }

  /** Applies a primitive: folded to a literal when every argument is one (the same arithmetic as at run time). */
  apply(op: PrimName, args: string[], param: number): string {
    // x^1 is x for every double (NaN and ±0 included), and V8's Math.pow(x, 1) is a slow path: the power rule's
    // c*x^(c-1) for c = 2 writes it in every squared term's derivative.
    if (op === 'powc' && param === 1) return args[0]!;
    const consts = args.map((a) => this.constOf(a));
    if (consts.every((c) => c !== undefined)) return this.lit(PRIMS[op].eval(consts as number[], param));
    return this.temp(PRIMS[op].code(args, literal(param)));
  }

  ops(): Ops<string> {
    return makeOps(
      (c) => this.lit(c),
      (op, args, param) => this.apply(op, args, param),
    );
  }
}
