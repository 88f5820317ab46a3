// AST → text that parses back to the same AST (spans aside), with as few parentheses as the grammar allows.
//
// The precedence ladder of grammar.ts, as levels (a child printed below the level its position needs gets
// parentheses; parentheses leave no node, so they never change the AST):
//   1  a + b, a - b        left-associative: the right operand needs level 2
//   2  a * b, a / b        left-associative: the right operand needs level 3
//   3  -a, +a              the operand needs level 3 (`--x`, `-2x`, `-x^2`); an operand of `+ - * /` may be one
//   4  2x                  a coefficient: a number directly followed by a name, a call or `(`, then an
//                          optional power: 2x^2 is 2*(x^2)
//   5  a ^ b               the base is an atom (level 6); the exponent needs level 3 (right-associative, may carry
//                          its own sign: 2^-1, 2^3x, 2^3^2)
//   6  atoms               numbers, names, calls
// Printing walks the tree with an explicit stack: an AST may be 100,000 levels deep (`- - - ... x`).
import type { Expr, Program, Statement } from './ast.js';
import { NumberLiteral, RadixNumber, SeparatedNumber } from './tokens.js';

const ATOM = 6;

function level(e: Expr): number {
  switch (e.kind) {
    case 'number':
    case 'name':
    case 'call':
      return ATOM;
    case 'unary':
      return 3;
    case 'binary':
      if (e.op === '^') return 5;
      if (isCoefficient(e)) return 4;
      return e.op === '+' || e.op === '-' ? 1 : 2;
  }
}

/** A coefficient product `2x`: marked implicit by the parser, and its left factor is a number. */
const isCoefficient = (e: Expr & { kind: 'binary' }) => e.implicit === true && e.op === '*' && e.left.kind === 'number';

const anchored = (pattern: unknown) => new RegExp(`^(?:${(pattern as RegExp).source})`);
const numberPattern = anchored(NumberLiteral.PATTERN);
const radixPattern = anchored(RadixNumber.PATTERN);
const separatedPattern = anchored(SeparatedNumber.PATTERN);

/**
 * Whether a number written directly before a name lexes as that number then the name: `2x` does, but `2e5`
 * is one number, `2_x` a malformed number, and `0xa` a hexadecimal literal.
 */
function juxtaposes(numberText: string, name: string): boolean {
  const joined = numberText + name;
  if (radixPattern.test(joined) || separatedPattern.test(joined)) return false;
  return numberPattern.exec(joined)?.[0].length === numberText.length;
}

/**
 * Whether the right factor of a coefficient can follow its number directly: it must print starting with a name
 * (of a variable or a call) that juxtaposes, or with `(`; a number base (`2(3^x)`) needs the parentheses.
 */
function followsCoefficient(numberText: string, right: Expr): boolean {
  let e = right;
  if (e.kind === 'binary' && e.op === '^') e = e.left;
  else if (level(e) < ATOM) return false; // parenthesised: starts with '('
  if (level(e) < ATOM) return true; // a power's base in parentheses
  if (e.kind === 'name' || e.kind === 'call') return juxtaposes(numberText, e.name);
  return false; // a number
}

type Piece = string | { e: Expr; min: number };

/** Prints an expression; `min` is the level its position needs (1: anywhere). */
export function printExpr(root: Expr, min = 1): string {
  const out: string[] = [];
  const work: Piece[] = [{ e: root, min }];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const { e } = item;
    const parens = level(e) < item.min;
    // Pieces are pushed in reverse order of output.
    if (parens) work.push(')');
    switch (e.kind) {
      case 'number':
        work.push(e.text);
        break;
      case 'name':
        work.push(e.name);
        break;
      case 'unary':
        work.push({ e: e.arg, min: 3 }, e.op);
        break;
      case 'call':
        work.push(')');
        for (let i = e.args.length - 1; i >= 0; i--) {
          work.push({ e: e.args[i]!, min: 1 });
          if (i > 0) work.push(', ');
        }
        work.push(`${e.name}(`);
        break;
      case 'binary':
        if (e.op === '^') {
          work.push({ e: e.right, min: 3 }, '^', { e: e.left, min: ATOM });
        } else if (isCoefficient(e)) {
          const text = (e.left as Expr & { kind: 'number' }).text;
          work.push({ e: e.right, min: followsCoefficient(text, e.right) ? 5 : ATOM + 1 }, text);
        } else if (e.op === '+' || e.op === '-') {
          work.push({ e: e.right, min: 2 }, ` ${e.op} `, { e: e.left, min: 1 });
        } else {
          work.push({ e: e.right, min: 3 }, e.op, { e: e.left, min: 2 });
        }
        break;
    }
    if (parens) work.push('(');
  }
  return out.join('');
}

export function printStatement(s: Statement): string {
  return s.kind === 'assign' ? `${s.name} = ${printExpr(s.expr)}` : printExpr(s.expr);
}

/** Prints a program, one statement per line (or joined by `separator`, e.g. `'; '`). */
export function printProgram(program: Pick<Program, 'statements'>, separator = '\n'): string {
  return program.statements.map(printStatement).join(separator);
}
