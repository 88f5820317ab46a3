// A second I/O floor for `adiff eval --points`: like io-floor.mjs (read a CSV with a header row, write one NDJSON
// object per row, numbers parsed and written back, no maths) but reading chunks and splitting lines itself instead
// of using readline, which is faster. Usage: node bench/io-floor-chunks.mjs points.csv > out.ndjson
import { createReadStream } from 'node:fs';
let names, rest = '', out = '';
for await (const chunk of createReadStream(process.argv[2], { encoding: 'utf8' })) {
  const text = rest + chunk;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const line = text.slice(start, nl); start = nl + 1;
    if (!names) { names = line.split(','); continue; }
    const f = line.split(','); const o = {};
    for (let k = 0; k < names.length; k++) o[names[k]] = Number(f[k]);
    out += JSON.stringify(o) + '\n';
  }
  rest = text.slice(start);
  if (!process.stdout.write(out)) await new Promise((r) => process.stdout.once('drain', r));
  out = '';
}
