import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { fieldErrorText } from '../errors.js';
import { findByKind } from '../resources.js';
import type { KubeObject } from '../types.js';
import { applyDefaults, convertLegacyIngress, isLegacyIngress, validateObject } from './index.js';
import { defaultFixturesDir } from '../../demo/paths.js';

const dir = defaultFixturesDir();

/** Every manifest in the walkthrough; documents without a kind (patch files) are not objects. */
function manifests(): { file: string; obj: KubeObject }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(`${dir}/${file}`, 'utf8'))
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => !!o && typeof o.kind === 'string')
        .map((obj) => ({ file, obj })),
    );
}

test('the walkthrough has manifests of every kind it uses', () => {
  const kinds = new Set(manifests().map((m) => m.obj.kind));
  assert.deepEqual([...kinds].sort(), ['Deployment', 'Ingress', 'Pod', 'Service']);
});

for (const { file, obj } of manifests()) {
  test(`${file} ${obj.kind}/${obj.metadata.name} validates after conversion and defaults`, () => {
    const v1 = isLegacyIngress(obj) ? convertLegacyIngress(obj) : obj;
    const info = findByKind(v1.apiVersion, v1.kind);
    assert.ok(info, `${v1.apiVersion} ${v1.kind} is served`);
    if (info.namespaced) v1.metadata.namespace = 'default';
    applyDefaults(info, v1);
    assert.deepEqual(validateObject(info, v1).map(fieldErrorText), []);
  });
}
