/** The environment a benchmark ran in, printed first so figures are read in context. */
import { availableParallelism, cpus, freemem, loadavg, totalmem } from 'node:os';

export function printEnvironment(bench: string): void {
  const cpu = cpus()[0]?.model ?? 'unknown';
  const gib = (n: number) => (n / 2 ** 30).toFixed(1);
  console.log(
    `# ${bench}: node ${process.version}, ${availableParallelism()} cpus (${cpu}), ` +
      `${gib(totalmem())} GiB memory (${gib(freemem())} free), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `--name value` options with numeric defaults. */
export function numericArgs<T extends Record<string, number>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '');
    if (key in out && argv[i + 1] !== undefined) out[key] = Number(argv[++i]);
  }
  return out as T;
}

/**
 * Milliseconds on the system's monotonic clock (CLOCK_MONOTONIC), which every process on the
 * machine reads alike: a time taken in one process compares with one taken in another.
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
