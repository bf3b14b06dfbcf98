import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageCatalog, containerArgv, parseUserCatalog } from './catalog.js';
import { fullImageName, parseImageRef } from './reference.js';
import type { RecipeContext } from './builtins.js';

const ctx: RecipeContext = { paths: { userlandBin: '/d/bin', programsDir: '/d/prog', nodeBinary: '/usr/bin/node', nginxBinary: '/usr/sbin/nginx', nginxHtmlRoot: '/usr/share/nginx/html' }, containerDir: '/d/pod/c', ports: [8080] };

describe('image references', () => {
  it('strips registry, library/, tag and digest', () => {
    assert.equal(parseImageRef('docker.io/library/nginx:1.27').repository, 'nginx');
    assert.equal(parseImageRef('nginx').tag, 'latest');
    assert.equal(parseImageRef('registry.k8s.io/echoserver:1.10').repository, 'echoserver');
    assert.equal(parseImageRef('localhost:5000/app@sha256:abc').repository, 'app');
    assert.equal(fullImageName(parseImageRef('nginx')), 'docker.io/library/nginx:latest');
    assert.equal(fullImageName(parseImageRef('luksa/kubia')), 'docker.io/luksa/kubia:latest');
  });
});

describe('image catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  const catalog = new ImageCatalog(join(dir, 'images.yaml'));
  it('knows the walkthrough images', () => {
    for (const image of ['nginx', 'nginx:1.19', 'docker.io/library/nginx:1.27', 'busybox', 'alpine', 'luksa/kubia', 'registry.k8s.io/echoserver:1.10', 'gcr.io/k8s-staging-gateway-api/echo-basic:v20240412', 'gcr.io/k8s-staging-ingressconformance/ingress-controller-conformance:latest', 'k8s.gcr.io/ingressconformance/echoserver:v0.0.1', 'influxdb']) {
      assert.ok(catalog.resolve(image), image);
    }
    assert.equal(catalog.resolve('example.com/unknown:1'), undefined);
    assert.match(catalog.howToAdd('example.com/unknown:1'), /images\.yaml.*svcnet-images/);
  });
  it('runs nginx with a generated config listening on 80 and the declared ports', () => {
    const r = catalog.resolve('nginx')!;
    assert.deepEqual(containerArgv(r, r.entrypoint(ctx)), ['/usr/sbin/nginx', '-p', '/d/pod/c', '-e', 'stderr', '-c', '/d/pod/c/nginx.conf', '-g', 'daemon off;']);
    const conf = r.files!(ctx)[0].content;
    assert.match(conf, /listen 80;/);
    assert.match(conf, /listen 8080;/);
  });
  it('applies Docker command/args semantics', () => {
    const r = catalog.resolve('busybox')!;
    assert.deepEqual(containerArgv(r, r.entrypoint(ctx)), ['sh']);
    assert.deepEqual(containerArgv(r, r.entrypoint(ctx), ['sleep'], ['10']), ['sleep', '10']);
    assert.deepEqual(containerArgv(r, r.entrypoint(ctx), undefined, ['-c', 'true']), ['-c', 'true']);
    assert.equal(r.env(ctx).PATH.split(':')[0], '/d/bin');
  });
  it('lets users add images in images.yaml before the built-ins', () => {
    writeFileSync(join(dir, 'images.yaml'), 'images:\n- pattern: "myorg/*"\n  command: ["/usr/bin/python3", "-m", "http.server"]\n  args: ["8000"]\n- pattern: nginx\n  command: ["/bin/true"]\n');
    const r = catalog.resolve('ghcr.io/myorg/web:2')!;
    assert.deepEqual(containerArgv(r, r.entrypoint(ctx)), ['/usr/bin/python3', '-m', 'http.server', '8000']);
    assert.deepEqual(catalog.resolve('nginx')!.entrypoint(ctx), ['/bin/true']);
    assert.throws(() => parseUserCatalog('images:\n- pattern: x\n', 'f'), /command/);
  });
});
