/**
 * The history model (server/core/model.ts) at the size of a centre: ~150 matters,
 * ~10,000 examples of ~100 characters. The texts are synthetic (a seeded mix of
 * everyday characters and each matter's own words), so the figure is about cost,
 * not accuracy. Runs alone too: `node --import tsx scripts/bench/model.ts`.
 */
import { NaiveBayesModel, train } from '../../server/core/model.ts';

export interface ModelResult {
  classes: number;
  examples: number;
  trainSeconds: number;
  grams: number;
  storedKiB: number;
  /** CPU µs per prediction (user + system). */
  microsPerPredict: number;
  predictsPerSecond: number;
}

/** mulberry32: the same texts on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchModel(classes = 150, examples = 10_000, rounds = 50_000): ModelResult {
  const rnd = random(12345);
  const char = (from: number, span: number) => String.fromCodePoint(0x4e00 + from + Math.floor(rnd() ** 2 * span));
  // Everyday characters are shared by every matter; each matter has a dozen two- or three-character words of its own.
  const words = Array.from({ length: classes }, (_, c) =>
    Array.from({ length: 12 }, () => Array.from({ length: 2 + Math.floor(rnd() * 2) }, () => char(3000 + c * 40, 400)).join('')),
  );
  const text = (c: number) => {
    let s = '';
    while (s.length < 100) s += rnd() < 0.2 ? words[c]![Math.floor(rnd() * 12)] : rnd() < 0.1 ? '，' : char(0, 2500);
    return s;
  };
  // Skewed like a real centre: a few matters take most calls.
  const weights = Array.from({ length: classes }, (_, c) => 1 / (c + 1) ** 0.8);
  const sum = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let r = rnd() * sum;
    for (let c = 0; c < classes; c++) if ((r -= weights[c]!) <= 0) return c;
    return classes - 1;
  };
  const data = Array.from({ length: examples }, () => {
    const c = pick();
    return { text: text(c), code: `m${c}` };
  });

  const started = performance.now();
  const trained = train(data);
  const trainSeconds = (performance.now() - started) / 1000;
  const stored = JSON.stringify(trained);
  const model = new NaiveBayesModel(JSON.parse(stored));
  const probes = Array.from({ length: 500 }, () => text(pick()));
  for (let i = 0; i < 5000; i++) model.predict(probes[i % probes.length]!); // warm-up
  // CPU time, not wall time: on a shared machine the wall clock also counts other processes' turns.
  const cpu = process.cpuUsage();
  for (let i = 0; i < rounds; i++) model.predict(probes[i % probes.length]!);
  const used = process.cpuUsage(cpu);
  const micros = (used.user + used.system) / rounds;
  return {
    classes,
    examples,
    trainSeconds,
    grams: Object.keys(trained.grams).length,
    storedKiB: stored.length / 1024,
    microsPerPredict: micros,
    predictsPerSecond: 1e6 / micros,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchModel());
