import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parse, parseDocument, type Node, type YAMLMap } from 'yaml';
import { envSchemaNames, repoRoot } from './env-names';

/**
 * Static checks of helm/image-broker (Helm itself is not installed where the suite runs): values.yaml is
 * valid, documented and exactly what the templates read; the templates' actions are balanced; the
 * environment they give the broker is the environment the broker reads.
 *
 * Templates read values by full path (`.Values.a.b`, never `with .Values.a` then `.b`), so a regex scan
 * finds every value they use.
 */

const chartDir = join(repoRoot, 'helm', 'image-broker');
const templatesDir = join(chartDir, 'templates');

/** Keys whose value is free-form (a Kubernetes object or list passed through toYaml): leaves, not containers. */
const FREE_FORM_KEYS = new Set([
  'annotations',
  'podAnnotations',
  'podLabels',
  'labels',
  'resources',
  'nodeSelector',
  'tolerations',
  'affinity',
  'topologySpreadConstraints',
  'podSecurityContext',
  'securityContext',
  'extraEnv',
  'extraEnvFrom',
  'extraVolumes',
  'extraVolumeMounts',
  'imagePullSecrets',
]);

interface ValuesKey {
  path: string;
  line: number;
  leaf: boolean;
}

function readValues(): { text: string; keys: ValuesKey[] } {
  const text = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) throw new Error(`values.yaml: ${doc.errors.map((e) => e.message).join('; ')}`);
  if (!isMap(doc.contents)) throw new Error('values.yaml: the document must be a map');
  const keys: ValuesKey[] = [];
  const walk = (map: YAMLMap, prefix: string): void => {
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      if (!isScalar(keyNode)) throw new Error(`values.yaml: a non-scalar key under '${prefix}'`);
      const name = String(keyNode.value);
      const path = prefix ? `${prefix}.${name}` : name;
      const line = lineCounter.linePos(keyNode.range![0]).line;
      const container = isMap(pair.value) && !FREE_FORM_KEYS.has(name);
      keys.push({ path, line, leaf: !container });
      if (container) walk(pair.value as YAMLMap, path);
    }
  };
  walk(doc.contents, '');
  return { text, keys };
}

function templateFiles(): { name: string; text: string }[] {
  return readdirSync(templatesDir)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(templatesDir, name), 'utf8') }));
}

/** Template text without `{{/* … *\/}}` comments. */
function withoutComments(text: string): string {
  return text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
}

const VALUES_REF = /\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g;
const TO_YAML_REF = /toYaml\s+\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g;
const DOT_CHANGING_REF = /\{\{-?\s*(with|range)\s+\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g;

function references(regex: RegExp, group = 1): { path: string; file: string }[] {
  const found: { path: string; file: string }[] = [];
  for (const { name, text } of templateFiles()) {
    for (const match of withoutComments(text).matchAll(regex)) found.push({ path: match[group].slice(1), file: name });
  }
  return found;
}

/** Names of the environment variables the chart sets in containers (`- name: X` entries). */
function chartEnvNames(): Set<string> {
  const names = new Set<string>();
  for (const { text } of templateFiles()) {
    for (const m of withoutComments(text).matchAll(/^\s*- name: ([A-Z][A-Z0-9_]*)\s*$/gm)) names.add(m[1]);
  }
  return names;
}

describe('helm/image-broker values', () => {
  const { text, keys } = readValues();
  const leaves = keys.filter((k) => k.leaf).map((k) => k.path);
  const containers = new Set(keys.filter((k) => !k.leaf).map((k) => k.path));
  const leafSet = new Set(leaves);
  const refs = references(VALUES_REF);
  const toYamlRefs = references(TO_YAML_REF);

  it('values.yaml parses and defines values', () => {
    expect(leaves.length).toBeGreaterThan(50);
  });

  it('every key in values.yaml has a comment line above it', () => {
    const lines = text.split('\n');
    const undocumented = keys
      .filter((key) => {
        for (let i = key.line - 2; i >= 0; i--) {
          const line = lines[i].trim();
          if (line === '') continue;
          return !line.startsWith('#');
        }
        return true;
      })
      .map((k) => k.path);
    expect(undocumented).toEqual([]);
  });

  it('every value values.yaml defines is read by some template', () => {
    const unused = leaves.filter(
      (leaf) =>
        !refs.some((r) => r.path === leaf || r.path.startsWith(`${leaf}.`)) &&
        !toYamlRefs.some((r) => leaf.startsWith(`${r.path}.`)),
    );
    expect(unused).toEqual([]);
  });

  it('every value a template reads is defined in values.yaml', () => {
    const undefinedRefs = refs.filter(
      (r) =>
        !leafSet.has(r.path) &&
        !containers.has(r.path) &&
        !leaves.some((leaf) => r.path.startsWith(`${leaf}.`) && FREE_FORM_KEYS.has(leaf.split('.').pop()!)),
    );
    expect(undefinedRefs.map((r) => `${r.file}: .Values.${r.path}`)).toEqual([]);
  });

  it('templates never change the dot to a map of values (with/range only over leaves), so the scan above is exact', () => {
    const hidden = references(DOT_CHANGING_REF, 2).filter((r) => containers.has(r.path));
    expect(hidden.map((r) => `${r.file}: .Values.${r.path}`)).toEqual([]);
  });

  it('the chart README lists every value', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    expect(leaves.filter((leaf) => !readme.includes(`\`${leaf}\``))).toEqual([]);
  });

  it('the default grace periods outlast SHUTDOWN_TIMEOUT_MS (the templates refuse values that do not)', () => {
    const values = parse(text) as {
      api: { terminationGracePeriodSeconds: number; preStopSleepSeconds: number; shutdownTimeoutMs: number };
      worker: { terminationGracePeriodSeconds: number; shutdownTimeoutMs: number };
    };
    expect(values.api.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      values.api.preStopSleepSeconds * 1000 + values.api.shutdownTimeoutMs,
    );
    expect(values.worker.terminationGracePeriodSeconds * 1000).toBeGreaterThan(values.worker.shutdownTimeoutMs);
  });
});

describe('helm/image-broker Chart.yaml', () => {
  it('parses and names the chart, its version and the broker version it deploys', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('image-broker');
    expect(typeof chart.version).toBe('string');
    expect(chart.appVersion).toBe(pkg.version);
  });
});

describe('helm/image-broker templates', () => {
  const files = templateFiles();

  it.each(files.map((f) => [f.name, f.text]))('%s balances {{ and }}', (_name, text) => {
    expect((text.match(/\{\{/g) ?? []).length).toBe((text.match(/\}\}/g) ?? []).length);
  });

  it.each(files.map((f) => [f.name, f.text]))(
    '%s closes every if/range/with/define block with an end',
    (_name, text) => {
      let depth = 0;
      for (const m of withoutComments(text).matchAll(/\{\{-?\s*(if|range|with|define|block|end)\b/g)) {
        depth += m[1] === 'end' ? -1 : 1;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    },
  );

  it('sets only environment variables the broker reads (src/platform/config/env.schema.ts)', () => {
    const known = envSchemaNames();
    expect([...chartEnvNames()].filter((n) => !known.has(n))).toEqual([]);
  });

  it('can set every environment variable the broker reads', () => {
    const set = chartEnvNames();
    expect([...envSchemaNames()].filter((n) => !set.has(n))).toEqual([]);
  });

  it('runs the migration Job as a pre-install/pre-upgrade hook after the chart Secret it reads', () => {
    const job = files.find((f) => f.name === 'job-migrate.yaml')!.text;
    const secret = files.find((f) => f.name === 'secret.yaml')!.text;
    expect(job).toContain('"helm.sh/hook": pre-install,pre-upgrade');
    expect(job).toContain('"helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded');
    expect(job).toContain('command: ["node", "dist/src/migrate.js"]');
    const weight = (t: string) => Number(/"helm\.sh\/hook-weight": "(-?\d+)"/.exec(t)![1]);
    expect(secret).toContain('"helm.sh/hook": pre-install,pre-upgrade');
    expect(weight(secret)).toBeLessThan(weight(job));
  });
});
