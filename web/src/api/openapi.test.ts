// @vitest-environment node
// The interface calls only what the API documents: every api.get/post/put/
// del template in the pages must be a path of docs/openapi.yaml (or of an
// area's docs/openapi/<area>.yaml) with that method. An area whose document
// has not merged yet is reported as pending, and checked once it lands.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fill } from './client';

const web = resolve(__dirname, '..', '..');
const docs = resolve(web, '..', 'docs');

const METHOD: Record<string, string> = { get: 'get', post: 'post', put: 'put', del: 'delete' };
const AREA_OF: Record<string, string> = { databases: 'databases', ftp: 'ftp', cronjobs: 'cron', files: 'files' };

// '/users/{username}/api-keys/{id}' and '/users/{x}/api-keys/{y}' are the same route.
const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '');

function documented(): Map<string, Set<string>> {
  const files = [join(docs, 'openapi.yaml')];
  const parts = join(docs, 'openapi');
  if (existsSync(parts)) for (const f of readdirSync(parts)) if (f.endsWith('.yaml')) files.push(join(parts, f));
  const out = new Map<string, Set<string>>();
  for (const file of files) {
    let inPaths = false;
    let current: Set<string> | null = null;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/^\S/.test(line)) inPaths = line.startsWith('paths:');
      if (!inPaths) continue;
      const path = /^ {2}(\/\S*):\s*$/.exec(line);
      if (path) {
        const key = shape(path[1]);
        current = out.get(key) ?? new Set();
        out.set(key, current);
        continue;
      }
      const method = /^ {4}(get|post|put|delete|patch):/.exec(line);
      if (method && current) current.add(method[1]);
    }
  }
  return out;
}

interface Call {
  file: string;
  method: string;
  path: string;
}

function calls(): Call[] {
  const found: Call[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !p.includes('/test/')) {
        const src = readFileSync(p, 'utf8');
        for (const m of src.matchAll(/\bapi\s*\.\s*(get|post|put|del)\s*(?:<[^>]*>)?\s*\(\s*(['"])([^'"]*)\2/g))
          found.push({ file: p.slice(web.length + 1), method: METHOD[m[1]], path: m[3] });
        // Anything else (a variable, a `template`) cannot be checked.
        for (const m of src.matchAll(/\bapi\s*\.\s*(get|post|put|del)\s*(?:<[^>]*>)?\s*\(\s*(?![\s'"])[^)]/g))
          found.push({ file: p.slice(web.length + 1), method: 'unchecked', path: m[0] });
      }
    }
  };
  walk(join(web, 'src'));
  return found;
}

describe('the interface calls only documented API routes', () => {
  const doc = documented();
  const used = calls();

  it('finds the document and the calls', () => {
    expect(doc.get('/auth/login')?.has('post')).toBe(true);
    expect(used.length).toBeGreaterThan(20);
  });

  it('every call is a literal template', () => {
    expect(used.filter((c) => c.method === 'unchecked')).toEqual([]);
  });

  it('every call is a documented path and method (or its area is pending)', () => {
    const missing: string[] = [];
    const pending: string[] = [];
    for (const c of used) {
      const methods = doc.get(shape(c.path));
      if (methods?.has(c.method)) continue;
      const area = AREA_OF[c.path.split('/')[1]];
      if (area && !existsSync(join(docs, 'openapi', `${area}.yaml`))) {
        pending.push(`${c.method.toUpperCase()} ${c.path} (${area})`);
        continue;
      }
      missing.push(`${c.method.toUpperCase()} ${c.path} in ${c.file}`);
    }
    if (pending.length) console.info(`pending until their areas merge:\n  ${[...new Set(pending)].join('\n  ')}`);
    expect(missing).toEqual([]);
  });

  it('templates are filled with one encoded segment per parameter', () => {
    expect(fill('/domains/{domain}', { domain: 'a/../b' })).toBe('/domains/a%2F..%2Fb');
    expect(fill('/users/{username}/api-keys/{id}', { username: 'bob', id: 'ab12' })).toBe('/users/bob/api-keys/ab12');
    expect(() => fill('/domains/{domain}', {})).toThrow('Missing path parameter domain');
  });
});
