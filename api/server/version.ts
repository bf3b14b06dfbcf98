/** What /version reports. The minor must be 32: the kubectl on the machine picks its build from it. */
export const kubernetesVersion = 'v1.32.0';
export const svcnetVersion = '0.1.0';

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: `${kubernetesVersion}+svcnet`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'svcnet',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
