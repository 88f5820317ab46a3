// Which smooth piece of a program a point lies on, to skip finite-difference stencils that cross a kink.
import type { Graph } from '../../src/autodiff/graph.js';

/**
 * Which smooth piece each kink-prone node is on: a finite-difference stencil is trusted only when every node
 * stays on one piece across it (abs and sign keep the sign of their argument, min/max the same winner, the
 * trigonometric poles the same period, ...).
 */
export function pieces(graph: Graph, values: Float64Array, mask: Uint8Array): string {
  const out: (number | string)[] = [];
  graph.nodes.forEach((n, i) => {
    if (!mask[i] || n.kind !== 'op') return;
    const a = n.args.map((j) => values[j]!);
    const s = Math.sign;
    switch (n.op) {
      case 'abs':
      case 'sign':
      case 'cbrt':
      case 'sqrt':
      case 'ln':
      case 'log10':
      case 'log2':
      case 'powc':
        out.push(s(a[0]!));
        break;
      case 'div':
        out.push(s(a[1]!));
        break;
      case 'pow':
        out.push(s(a[0]!), s(a[1]!));
        break;
      case 'logb':
        out.push(s(a[0]!), s(a[1]! - 1));
        break;
      case 'eq':
        out.push(a[0] === a[1] ? 1 : 0);
        break;
      case 'min':
      case 'max': {
        const best = n.op === 'min' ? Math.min(...a) : Math.max(...a);
        out.push(`${a.indexOf(best)}/${a.filter((v) => v === best).length}`);
        break;
      }
      case 'hypot': // a kink at the origin: a stencil passing near it changes the sign of every argument
      case 'atan2': // a jump on the negative x axis, a singularity at the origin
        out.push(...a.map(s));
        break;
      case 'tan':
      case 'sec':
        out.push(Math.floor(a[0]! / Math.PI + 0.5));
        break;
      case 'csc':
      case 'cot':
        out.push(Math.floor(a[0]! / Math.PI));
        break;
      case 'asin':
      case 'acos':
      case 'atanh':
        out.push(s(1 - Math.abs(a[0]!)));
        break;
      case 'acosh':
        out.push(s(a[0]! - 1));
        break;
      case 'csch':
      case 'coth':
      case 'acot':
      case 'acsch':
      case 'nthRoot':
        out.push(s(a[0]!));
        break;
      case 'asec':
      case 'acsc':
      case 'acoth':
        out.push(s(a[0]!), s(Math.abs(a[0]!) - 1));
        break;
      case 'asech':
        out.push(s(a[0]!), s(1 - a[0]!));
        break;
      case 'log1p':
        out.push(s(a[0]! + 1));
        break;
      case 'floor':
      case 'ceil':
      case 'trunc':
        out.push(Math.floor(a[0]!));
        break;
      case 'round':
        out.push(Math.floor(a[0]! + 0.5));
        break;
      case 'mod':
        out.push(s(a[1]!), Math.floor(a[0]! / a[1]!));
        break;
      case 'gamma':
      case 'lgamma':
      case 'digamma':
        out.push(Math.floor(a[0]!));
        break;
      case 'polygamma':
        out.push(Math.floor(a[1]!));
        break;
    }
  });
  return out.join(',');
}
