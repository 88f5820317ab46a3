import type { Span } from '../diagnostics.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** A numeric literal as written (`2`, `.5`, `1e-3`). */
export interface NumberNode {
  kind: 'number';
  value: number;
  text: string;
  span: Span;
}

/** A name: a variable, a constant (`pi`, `e`) or an assigned name; which one is decided when lowering. */
export interface NameNode {
  kind: 'name';
  name: string;
  span: Span;
}

/** Unary minus or plus. */
export interface UnaryNode {
  kind: 'unary';
  op: '-' | '+';
  arg: Expr;
  span: Span;
}

/**
 * A binary operation. `implicit` marks a coefficient written by juxtaposition (`3a`, `2(x+1)`), which is a
 * multiplication that binds tighter than `*`, `/` and a `^` on its left.
 */
export interface BinaryNode {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
  implicit?: boolean;
}

/** A function call `name(arg, ...)`; `nameSpan` covers just the function name. */
export interface CallNode {
  kind: 'call';
  name: string;
  nameSpan: Span;
  args: Expr[];
  span: Span;
}

export type Expr = NumberNode | NameNode | UnaryNode | BinaryNode | CallNode;

export interface AssignStatement {
  kind: 'assign';
  name: string;
  nameSpan: Span;
  expr: Expr;
  span: Span;
}

export interface ExprStatement {
  kind: 'expr';
  expr: Expr;
  span: Span;
}

export type Statement = AssignStatement | ExprStatement;

export interface Program {
  statements: Statement[];
  /** The source text the spans point into. */
  text: string;
}
