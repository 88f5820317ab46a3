// The output line of one point in a `--points` run, built once per run: the command's single-point JSON object
// with holes where the numbers go (slots), so a line is constant pieces and formatted numbers, and the same
// slots give the CSV columns. Every batch command describes its line this way; nothing is stringified per point.
import { stringify, type Json } from './json.js';
import { utf8, type LineBytes } from './line-bytes.js';

/** A hole for one number: its CSV column (none for numbers written to NDJSON only) and whether it is an input. */
export interface SlotInfo {
  csv?: string;
  /** An input value echoed back (the point's coordinates): not a result, so not checked by --strict. */
  input?: boolean;
}

const COMMA = utf8(',');
const NEWLINE = utf8('\n');

class Slot {
  constructor(readonly index: number) {}
}

export class RecordShape {
  /** pieces[0] slot0 pieces[1] slot1 … pieces[n]: the NDJSON line (with its line break) around the numbers. */
  readonly pieces: string[] = [];
  /** The pieces as UTF-8. */
  readonly pieceBytes: Uint8Array[];
  readonly slots: SlotInfo[] = [];
  /** Indices of the slots written to CSV, in order, and the CSV header's fields. */
  readonly csvSlots: number[];
  readonly csvHeader: string[];
  /** Indices of the result slots (checked for finiteness). */
  readonly resultSlots: number[];

  /** `build` returns the line's JSON, calling `slot` wherever a number of the point goes (in writing order). */
  constructor(build: (slot: (info?: SlotInfo) => Json) => Json) {
    const json = build((info = {}) => {
      this.slots.push(info);
      return new Slot(this.slots.length - 1) as unknown as Json;
    });
    let piece = '';
    const walk = (v: Json): void => {
      if (v instanceof Slot) {
        this.pieces.push(piece);
        piece = '';
      } else if (Array.isArray(v)) {
        piece += '[';
        v.forEach((x, i) => {
          if (i > 0) piece += ',';
          walk(x);
        });
        piece += ']';
      } else if (v !== null && typeof v === 'object') {
        piece += '{';
        v.entries.forEach(([k, x], i) => {
          piece += (i > 0 ? ',' : '') + JSON.stringify(k) + ':';
          walk(x);
        });
        piece += '}';
      } else piece += stringify(v);
    };
    walk(json);
    this.pieces.push(piece + '\n');
    this.pieceBytes = this.pieces.map(utf8);
    this.csvSlots = this.slots.flatMap((s, i) => (s.csv !== undefined ? [i] : []));
    this.csvHeader = this.csvSlots.map((i) => this.slots[i]!.csv!);
    this.resultSlots = this.slots.flatMap((s, i) => (s.input ? [] : [i]));
  }

  /** Writes the CSV row of one point (NaN, Infinity and -Infinity as words). */
  writeCsv(out: LineBytes, row: Float64Array): void {
    const { csvSlots } = this;
    for (let j = 0; j < csvSlots.length; j++) {
      if (j > 0) out.bytes(COMMA);
      out.csvNumber(row[csvSlots[j]!]!);
    }
    out.bytes(NEWLINE);
  }

  /** The CSV row in place of a point that could not be evaluated: empty fields. */
  csvEmpty(): string {
    return ','.repeat(Math.max(0, this.csvSlots.length - 1)) + '\n';
  }

  /** Whether every result of the point is finite (for --strict). */
  finite(row: Float64Array): boolean {
    for (const k of this.resultSlots) if (row[k]! - row[k]! !== 0) return false;
    return true;
  }
}
