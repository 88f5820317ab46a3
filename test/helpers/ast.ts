// Structural comparison of ASTs that ignores spans, without recursion (ASTs may be 100,000 levels deep).
import type { Expr, Program } from '../../src/parser/ast.js';

/** The first difference between two expressions (ignoring spans), as a path and a description, or undefined. */
export function exprDifference(a: Expr, b: Expr): string | undefined {
  const work: [Expr, Expr, string][] = [[a, b, '']];
  while (work.length > 0) {
    const [x, y, path] = work.pop()!;
    if (x.kind !== y.kind) return `${path}: ${x.kind} vs ${y.kind}`;
    switch (x.kind) {
      case 'number': {
        const v = y as typeof x;
        if (!Object.is(x.value, v.value) || x.text !== v.text) return `${path}: number ${x.text} vs ${v.text}`;
        break;
      }
      case 'name':
        if (x.name !== (y as typeof x).name) return `${path}: name ${x.name} vs ${(y as typeof x).name}`;
        break;
      case 'unary': {
        const v = y as typeof x;
        if (x.op !== v.op) return `${path}: unary ${x.op} vs ${v.op}`;
        work.push([x.arg, v.arg, `${path}.arg`]);
        break;
      }
      case 'binary': {
        const v = y as typeof x;
        if (x.op !== v.op || (x.implicit ?? false) !== (v.implicit ?? false)) {
          return `${path}: binary ${x.op}${x.implicit ? ' (implicit)' : ''} vs ${v.op}${v.implicit ? ' (implicit)' : ''}`;
        }
        work.push([x.left, v.left, `${path}.left`], [x.right, v.right, `${path}.right`]);
        break;
      }
      case 'call': {
        const v = y as typeof x;
        if (x.name !== v.name || x.args.length !== v.args.length) return `${path}: call ${x.name}/${x.args.length} vs ${v.name}/${v.args.length}`;
        x.args.forEach((arg, i) => work.push([arg, v.args[i]!, `${path}.args[${i}]`]));
        break;
      }
    }
  }
  return undefined;
}

/** The first difference between two programs (ignoring spans and the source text), or undefined. */
export function programDifference(a: Pick<Program, 'statements'>, b: Pick<Program, 'statements'>): string | undefined {
  if (a.statements.length !== b.statements.length) return `statement count ${a.statements.length} vs ${b.statements.length}`;
  for (let i = 0; i < a.statements.length; i++) {
    const s = a.statements[i]!;
    const t = b.statements[i]!;
    if (s.kind !== t.kind) return `statement ${i}: ${s.kind} vs ${t.kind}`;
    if (s.kind === 'assign' && s.name !== (t as typeof s).name) return `statement ${i}: assigns ${s.name} vs ${(t as typeof s).name}`;
    const d = exprDifference(s.expr, t.expr);
    if (d !== undefined) return `statement ${i}${d}`;
  }
  return undefined;
}
