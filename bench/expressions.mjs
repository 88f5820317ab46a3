// The benchmarks' expressions and their hand-written value + gradient over Float64Array columns (the practical
// limit in JavaScript), shared by run.mjs and compile.mjs.
export const rosenbrock = (n) =>
  Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 2} - x${i + 1}^2)^2 + (1 - x${i + 1})^2`).join(' + ');
export const deepSin = (d) => 'sin('.repeat(d) + 'x' + ')'.repeat(d);
export const termSum = (m) => Array.from({ length: m }, (_, i) => `${i + 1}*sin(${i + 1}*x + y)`).join(' + ');

export const hand = {
  E1(c, count, v, g) {
    const [a, b] = c;
    const [g0, g1] = g;
    for (let i = 0; i < count; i++) {
      const x1 = a[i], x2 = b[i];
      v[i] = Math.log(x1) + x1 * x2 - Math.sin(x2);
      g0[i] = 1 / x1 + x2;
      g1[i] = x1 - Math.cos(x2);
    }
  },
  E2(c, count, v, g) {
    const [a, b] = c;
    const [g0, g1] = g;
    for (let i = 0; i < count; i++) {
      const x1 = a[i], x2 = b[i];
      const u = x1 / x2, e = Math.exp(x2);
      const p = Math.sin(u) + u - e, q = u - e;
      v[i] = p * q;
      const du = q * (Math.cos(u) + 1) + p;
      g0[i] = du / x2;
      g1[i] = (-du * u) / x2 - (p + q) * e;
    }
  },
  rosenbrock(c, count, v, g) {
    // Each partial written once: x_k appears in term k (as x) and term k-1 (as y), t of the previous term carried.
    const n = c.length;
    for (let i = 0; i < count; i++) {
      let f = 0, tp = 0;
      for (let k = 0; k < n - 1; k++) {
        const x = c[k][i], y = c[k + 1][i];
        const t = y - x * x, s = 1 - x;
        f += 100 * t * t + s * s;
        g[k][i] = 200 * tp - 400 * x * t - 2 * s;
        tp = t;
      }
      g[n - 1][i] = 200 * tp;
      v[i] = f;
    }
  },
  deepSin(c, count, v, g) {
    const [a] = c;
    const [g0] = g;
    for (let i = 0; i < count; i++) {
      let x = a[i], d = 1;
      for (let j = 0; j < 1000; j++) {
        d *= Math.cos(x);
        x = Math.sin(x);
      }
      v[i] = x;
      g0[i] = d;
    }
  },
  termSum(c, count, v, g) {
    const [a, b] = c;
    const [g0, g1] = g;
    for (let i = 0; i < count; i++) {
      const x = a[i], y = b[i];
      let f = 0, dx = 0, dy = 0;
      for (let k = 1; k <= 10000; k++) {
        const w = k * x + y;
        const s = Math.sin(w), co = Math.cos(w);
        f += k * s;
        dx += k * k * co;
        dy += k * co;
      }
      v[i] = f;
      g0[i] = dx;
      g1[i] = dy;
    }
  },
};

// The same expressions' values alone, hand-written: the hand-written gradient / value ratio is what the
// cheap-gradient principle allows in practice on this machine, the reference for adiff's own ratio.
export const handValue = {
  E1(c, count, v) {
    const [a, b] = c;
    for (let i = 0; i < count; i++) v[i] = Math.log(a[i]) + a[i] * b[i] - Math.sin(b[i]);
  },
  E2(c, count, v) {
    const [a, b] = c;
    for (let i = 0; i < count; i++) {
      const u = a[i] / b[i], e = Math.exp(b[i]);
      v[i] = (Math.sin(u) + u - e) * (u - e);
    }
  },
  rosenbrock(c, count, v) {
    const n = c.length;
    for (let i = 0; i < count; i++) {
      let f = 0;
      for (let k = 0; k < n - 1; k++) {
        const x = c[k][i], y = c[k + 1][i];
        const t = y - x * x, s = 1 - x;
        f += 100 * t * t + s * s;
      }
      v[i] = f;
    }
  },
  deepSin(c, count, v) {
    const [a] = c;
    for (let i = 0; i < count; i++) {
      let x = a[i];
      for (let j = 0; j < 1000; j++) x = Math.sin(x);
      v[i] = x;
    }
  },
  termSum(c, count, v) {
    const [a, b] = c;
    for (let i = 0; i < count; i++) {
      const x = a[i], y = b[i];
      let f = 0;
      for (let k = 1; k <= 10000; k++) f += k * Math.sin(k * x + y);
      v[i] = f;
    }
  },
};
