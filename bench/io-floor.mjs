// The I/O floor for `adiff eval --points`: a plain Node script that only reads a CSV with a header row and
// writes one NDJSON object per row (numbers parsed and written back), with no maths. Usage:
//   node bench/io-floor.mjs points.csv > out.ndjson
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const rl = createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity });
let names;
let buffer = '';
for await (const line of rl) {
  if (!names) {
    names = line.split(',');
    continue;
  }
  const fields = line.split(',');
  const o = {};
  for (let k = 0; k < names.length; k++) o[names[k]] = Number(fields[k]);
  buffer += JSON.stringify(o) + '\n';
  if (buffer.length > 1 << 16) {
    process.stdout.write(buffer);
    buffer = '';
  }
}
process.stdout.write(buffer);
