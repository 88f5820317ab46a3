// Run sizes for property tests: small and seeded in `npm test`, large (and seeded from the clock unless told)
// in `npm run test:fuzz`, which sets ADIFF_FUZZ=1. ADIFF_FUZZ_SEED reproduces a run; fast-check prints the seed
// and the shrunk counterexample of any failure.
export const FUZZ = process.env.ADIFF_FUZZ === '1';
const seed = process.env.ADIFF_FUZZ_SEED !== undefined ? Number(process.env.ADIFF_FUZZ_SEED) : FUZZ ? Date.now() % 2 ** 31 : 20240611;
const scale = Number(process.env.ADIFF_FUZZ_SCALE ?? (FUZZ ? 20 : 1));

/** fast-check parameters for a property with `runs` cases in the ordinary test run. */
export function runs(n: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed, numRuns: Math.max(1, Math.round(n * scale)), endOnFailure: false };
}

/** A vitest timeout that grows with the run size. */
export const timeout = (ms: number) => Math.round(ms * Math.max(1, scale));
