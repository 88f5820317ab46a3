# Counts printed operations (SymPy's count_ops) for bench/textbook.mjs and checks adiff's printed derivatives
# against SymPy's diff at random points in (0.2, 0.9). Prints one row per formula and the summary.
import json, random, sys, math
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr, standard_transformations

T = standard_transformations
X, Y, Z = sp.symbols('x y z')
BASE = {'x': X, 'y': Y, 'z': Z, 'ln': sp.log, 'log10': lambda u, **k: sp.log(u, 10, **k), 'log2': lambda u, **k: sp.log(u, 2, **k),
        'cbrt': lambda u, **k: sp.Pow(u, sp.Rational(1, 3), **k), 'sec': sp.sec, 'csc': sp.csc, 'cot': sp.cot,
        'asinh': sp.asinh, 'atanh': sp.atanh, 'acosh': sp.acosh, 'pi': sp.pi, 'e': sp.E, 'E': sp.E,
        'sign': sp.sign, 'hypot': lambda a, b, **k: sp.sqrt(a**2 + b**2)}

def read(text, evaluate=False, names=None):
    loc = dict(BASE, **(names or {}))
    return parse_expr(text.replace('^', '**'), local_dict=loc, transformations=T, evaluate=evaluate)

def program(text, evaluate=False):
    """Statements `t = …` and a last expression (comments skipped): (ops of every statement, the value)."""
    names, ops, last = {}, 0, None
    for line in text.split('\n'):
        if not line.strip() or line.startswith('#'):
            continue
        lhs, rhs = (line.split(' = ', 1) if ' = ' in line else (None, line))
        e = read(rhs, evaluate, names)
        ops += sp.count_ops(e)
        last = e.subs({sp.Symbol(k): v for k, v in names.items()}) if names else e
        if lhs:
            names[lhs] = sp.Symbol(lhs)
            names[lhs] = last
    return ops, last

def close(a, b):
    pts = [{X: random.uniform(0.2, 0.9), Y: random.uniform(0.2, 0.9), Z: random.uniform(0.2, 0.9)} for _ in range(3)]
    for p in pts:
        u, v = complex(sp.N(a.subs(p))), complex(sp.N(b.subs(p)))
        if not (abs(u - v) <= 1e-9 * max(1, abs(v))):
            return False
    return True

rows = json.load(open(sys.argv[1]))
random.seed(1)
out = []
for r in rows:
    f = read(r['f'], True)
    w = {'x': X, 'y': Y, 'z': Z}[r['wrt']]
    true = sp.diff(f, w)
    s_ops = sp.count_ops(sp.simplify(true))
    a_ops, a_val = program(r['adiff'])
    p_ops, _ = program(r['plain'])
    ok = close(program(r['adiff'], True)[1], true)
    m_ops = sp.count_ops(read(r['mathjs'].replace('log(', 'ln('))) if r['mathjs'] else None
    ratio = a_ops / s_ops if s_ops else (1.0 if a_ops == 0 else float('inf'))
    out.append((r, a_ops, p_ops, s_ops, m_ops, ratio, ok))

print('| d/dx of | adiff prints | ops | before | SymPy | mathjs | adiff/SymPy |')
print('|---|---|---|---|---|---|---|')
for r, a, p, s, m, ratio, ok in out:
    shown = r['adiff'].replace('\n', '; ') + ''.join(f'  # {n}' for n in r['notes'])
    flag = '' if ok else ' **WRONG**'
    print(f"| `{r['f']}` | `{shown}`{flag} | {a} | {p} | {s} | {'–' if m is None else m} | {ratio:.2f} |")
ratios = sorted(x[5] for x in out)
n = len(ratios)
q = lambda p: ratios[min(n - 1, math.ceil(p * n) - 1)]
print()
print(f'formulas: {n}; median adiff/SymPy {q(0.5):.2f}; 90th percentile {q(0.9):.2f}; max {ratios[-1]:.2f}')
print(f"adiff shorter than mathjs: {sum(1 for x in out if x[4] is not None and x[1] < x[4])} of {sum(1 for x in out if x[4] is not None)}"
      f" (not longer: {sum(1 for x in out if x[4] is not None and x[1] <= x[4])}; mathjs fails on {sum(1 for x in out if x[4] is None)})")
print(f"not longer than before: {sum(1 for x in out if x[1] <= x[2])} of {n}; wrong: {sum(1 for x in out if not x[6])}")
