/**
 * `npm run aliases:import -- FILE.csv` imports a civil-affairs list of estates per
 * 社区 (CSV, header 名称,区划代码) as place aliases into the database at
 * DATABASE_URL (or the embedded one under EMBEDDED_PG_DIR when unset). Importing
 * the same list again adds nothing; every running instance refreshes its
 * classifier when the import commits (understanding_changed).
 */
import fs from 'node:fs';
import { importAliases } from '../db/queries/aliases.ts';
import { parseAliasCsv } from '../server/core/aliases.ts';
import { withServiceDatabase } from './service-database.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const file = process.argv[2];
if (!file) fail('用法：npm run aliases:import -- 文件.csv（首行：名称,区划代码）');
let text: string;
try {
  text = fs.readFileSync(file, 'utf8');
} catch (err) {
  fail(`无法读取文件 ${file}：${(err as NodeJS.ErrnoException).code ?? String(err)}`);
}
let parsed: ReturnType<typeof parseAliasCsv>;
try {
  parsed = parseAliasCsv(text);
} catch (err) {
  fail(`${file}：${(err as Error).message}`);
}

await withServiceDatabase(async (db) => {
  const counts = await importAliases(db.db, parsed.rows, { at: new Date() });
  const refused = [...parsed.refused, ...counts.unknownArea.map((u) => ({ line: u.line, reason: `区划代码不存在：${u.areaCode}` }))].sort(
    (a, b) => a.line - b.line,
  );
  console.log(`新增 ${counts.added} 条，已存在 ${counts.alreadyThere} 条，拒绝 ${refused.length} 条`);
  for (const r of refused) console.log(`  第 ${r.line} 行：${r.reason}`);
});
