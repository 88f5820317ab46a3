// The grammar, and only the grammar: a Chevrotain parser that builds the AST as it recognises it.
//
// The precedence ladder, loosest first:
//   program     statements separated by `;` or line breaks
//   statement   `name = expression` | expression
//   expression  operands joined by `+ -` (loosest) and `* /`; built into a tree by `binary` below
//   unary       any number of prefix `-`/`+`, then a power:            -x^2 is -(x^2)
//   power       a coefficient `2x`, or an atom with an optional `^ unary` (right-associative: 2^3^2 is 2^9,
//               and the exponent may carry its own sign: 2^-1)
//   coefficient a number directly followed by a name, a call or `(`: it multiplies what follows as a power,
//               so 2x^2 is 2*(x^2), 2^3x is 2^(3*x), 1/2x is 1/(2*x) and -2x is -(2*x)
//   atom        number | name | name(args) | (expression)
//
// Names are not resolved here: functions, arity, constants and undefined names are checked when lowering.
// Expression-level rules are few and shallow so that deep nesting costs few stack frames; the one recursive
// cycle passes through `unary`, which counts the depth and stops cleanly past MAX_NESTING.
import { EmbeddedActionsParser, LLkLookaheadStrategy, type ILookaheadStrategy, type IToken } from 'chevrotain';
import type { BinaryOp, Expr, Statement } from './ast.js';
import {
  allTokens,
  Comma,
  Group,
  Equals,
  Identifier,
  LParen,
  Minus,
  Newline,
  NumberLiteral,
  Plus,
  Power,
  RParen,
  Semicolon,
  Slash,
  Star,
} from './tokens.js';

/**
 * The deepest recursion one parse of a chunk may reach, counted in `unary` (each level of parentheses or of
 * exponents passes through it once). Deep parentheses are split into chunks by `parse.ts`; only an exponent
 * tower (`2^2^2^...`) can reach this.
 */
export const MAX_CHUNK_RECURSION = 1000;

/** Thrown from inside the grammar when input nests deeper than MAX_NESTING. */
export class NestingTooDeep extends Error {
  constructor(readonly token: IToken) {
    super('nesting too deep');
  }
}

const span = (first: IToken, last: IToken) => ({ start: first.startOffset, end: last.startOffset + last.image.length });
const spanOf = (a: Expr, b: Expr) => ({ start: a.span.start, end: b.span.end });

interface Factor {
  coefficient: IToken | undefined;
  base: Expr;
}

const numberNode = (t: IToken): Expr => ({ kind: 'number', value: Number(t.image), text: t.image, span: span(t, t) });

/**
 * Folds `f0 ^ s1 f1 ^ s2 f2 ...` from the right: each exponent takes its own signs, and a coefficient
 * multiplies the whole power that follows it (`2x^2` is 2*(x^2), `2^3x` is 2^(3*x)).
 */
function foldPower(links: { signs: IToken[]; factor: Factor }[]): Expr {
  let acc: Expr | undefined;
  for (let i = links.length - 1; i >= 0; i--) {
    const { signs, factor } = links[i]!;
    let e: Expr = acc === undefined ? factor.base : { kind: 'binary', op: '^', left: factor.base, right: acc, span: spanOf(factor.base, acc) };
    if (factor.coefficient) {
      const left = numberNode(factor.coefficient);
      e = { kind: 'binary', op: '*', left, right: e, span: spanOf(left, e), implicit: true };
    }
    for (let j = signs.length - 1; j >= 0; j--) {
      const sign = signs[j]!;
      e = { kind: 'unary', op: sign.tokenType === Plus ? '+' : '-', arg: e, span: { start: sign.startOffset, end: e.span.end } };
    }
    acc = e;
  }
  return acc!;
}

/** Folds operands and operators of equal-precedence chains into a left-associative tree, `* /` before `+ -`. */
function binary(operands: Expr[], ops: BinaryOp[]): Expr {
  // One pass for `* /`: collect the terms of the additive chain.
  const terms: Expr[] = [operands[0]!];
  const addOps: BinaryOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const right = operands[i + 1]!;
    if (op === '*' || op === '/') {
      const left = terms[terms.length - 1]!;
      terms[terms.length - 1] = { kind: 'binary', op, left, right, span: spanOf(left, right) };
    } else {
      addOps.push(op);
      terms.push(right);
    }
  }
  let acc = terms[0]!;
  for (let i = 0; i < addOps.length; i++) {
    const right = terms[i + 1]!;
    acc = { kind: 'binary', op: addOps[i]!, left: acc, right, span: spanOf(acc, right) };
  }
  return acc;
}

/**
 * Chevrotain's LL(k) lookahead, each decision's function built the first time the parser reaches it rather than all
 * at once when the parser is built: a one-formula run (start-up time) reaches only some of them. The functions
 * are the same; validations (tests) are the inherited ones.
 */
class LazyLookahead extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0]) {
    let real: ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> | undefined;
    const build = () => super.buildLookaheadForAlternation(options);
    return function (this: unknown, alts?: unknown) {
      real ??= build();
      return real.call(this as never, alts as never);
    };
  }

  override buildLookaheadForOptional(options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0]) {
    let real: ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> | undefined;
    const build = () => super.buildLookaheadForOptional(options);
    return function (this: unknown) {
      real ??= build();
      return real.call(this as never);
    };
  }
}

export class AdiffParser extends EmbeddedActionsParser {
  private depth = 0;

  constructor(options: { skipValidations?: boolean } = {}) {
    super(allTokens, {
      recoveryEnabled: false,
      maxLookahead: 2,
      skipValidations: options.skipValidations ?? false,
      lookaheadStrategy: new LazyLookahead({ maxLookahead: 2 }),
    });
    this.performSelfAnalysis();
  }

  /** Resets the parser for a new token stream. */
  begin(tokens: IToken[]): void {
    this.input = tokens;
    this.depth = 0;
  }

  public program = this.RULE('program', (): Statement[] => {
    const statements: Statement[] = [];
    this.MANY(() => this.SUBRULE(this.separator));
    this.OPTION(() => {
      statements.push(this.SUBRULE(this.statement));
      this.MANY2(() => {
        this.AT_LEAST_ONE(() => this.SUBRULE2(this.separator));
        this.OPTION2(() => statements.push(this.SUBRULE2(this.statement)));
      });
    });
    return statements;
  });

  private separator = this.RULE('separator', () => {
    this.OR([{ ALT: () => this.CONSUME(Semicolon) }, { ALT: () => this.CONSUME(Newline) }]);
  });

  private statement = this.RULE('statement', (): Statement => {
    return this.OR([
      {
        ALT: () => {
          const name = this.CONSUME(Identifier);
          this.CONSUME(Equals);
          const expr = this.SUBRULE(this.expression);
          return this.ACTION((): Statement => ({
            kind: 'assign',
            name: name.image,
            nameSpan: span(name, name),
            expr,
            span: { start: name.startOffset, end: expr.span.end },
          }));
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE2(this.expression);
          return this.ACTION((): Statement => ({ kind: 'expr', expr, span: expr.span }));
        },
      },
    ]);
  });

  public expression = this.RULE('expression', (): Expr => {
    const operands: Expr[] = [this.SUBRULE(this.unary)];
    const ops: BinaryOp[] = [];
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Plus) },
        { ALT: () => this.CONSUME(Minus) },
        { ALT: () => this.CONSUME(Star) },
        { ALT: () => this.CONSUME(Slash) },
      ]);
      ops.push(op.tokenType === Plus ? '+' : op.tokenType === Minus ? '-' : op.tokenType === Star ? '*' : '/');
      operands.push(this.SUBRULE2(this.unary));
    });
    return this.ACTION(() => binary(operands, ops));
  });

  private unary = this.RULE('unary', (): Expr => {
    const signs: IToken[] = [];
    this.MANY(() => {
      signs.push(this.OR([{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME(Plus) }]));
    });
    this.ACTION(() => {
      if (++this.depth > MAX_CHUNK_RECURSION) throw new NestingTooDeep(this.LA(1));
    });
    let expr = this.SUBRULE(this.power);
    this.ACTION(() => {
      this.depth--;
      for (let i = signs.length - 1; i >= 0; i--) {
        const sign = signs[i]!;
        expr = {
          kind: 'unary',
          op: sign.tokenType === Plus ? '+' : '-',
          arg: expr,
          span: { start: sign.startOffset, end: expr.span.end },
        };
      }
    });
    return expr;
  });

  /** A chain `f0 ^ ±f1 ^ ±f2 ...` of factors, folded right-associatively without recursion. */
  private power = this.RULE('power', (): Expr => {
    const links: { signs: IToken[]; factor: Factor }[] = [{ signs: [], factor: this.SUBRULE(this.factor) }];
    this.MANY(() => {
      this.CONSUME(Power);
      const signs: IToken[] = [];
      this.MANY2(() => signs.push(this.OR([{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME2(Plus) }])));
      links.push({ signs, factor: this.SUBRULE2(this.factor) });
    });
    return this.ACTION(() => foldPower(links));
  });

  /** An atom, with a coefficient when a number directly precedes (no space) a name, a call or `(`. */
  private factor = this.RULE('factor', (): Factor => {
    let coefficient: IToken | undefined;
    this.OPTION({
      GATE: () => {
        const num = this.LA(1);
        const next = this.LA(2);
        return (
          num.tokenType === NumberLiteral &&
          (next.tokenType === Identifier || next.tokenType === LParen || next.tokenType === Group) &&
          num.startOffset + num.image.length === next.startOffset
        );
      },
      DEF: () => {
        coefficient = this.CONSUME(NumberLiteral);
      },
    });
    const base = this.SUBRULE(this.atom);
    return { coefficient, base };
  });

  private atom = this.RULE('atom', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const group = this.CONSUME(Group);
          return this.ACTION(() => (group as IToken & { payload: Expr }).payload);
        },
      },
      {
        ALT: () => {
          const num = this.CONSUME(NumberLiteral);
          return this.ACTION(() => numberNode(num));
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(Identifier);
          let call: { args: Expr[]; close: IToken } | undefined;
          this.OPTION(() => {
            this.CONSUME(LParen);
            const args: Expr[] = [];
            this.MANY_SEP({ SEP: Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
            const close = this.CONSUME(RParen);
            call = { args, close };
          });
          return this.ACTION((): Expr => {
            if (!call) return { kind: 'name', name: name.image, span: span(name, name) };
            return { kind: 'call', name: name.image, nameSpan: span(name, name), args: call.args, span: span(name, call.close) };
          });
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME2(LParen);
          const inner = this.SUBRULE2(this.expression);
          const close = this.CONSUME2(RParen);
          // Parentheses leave no node of their own; the span widens to include them for diagnostics.
          return this.ACTION((): Expr => ({ ...inner, span: span(open, close) }));
        },
      },
    ]);
  });
}
