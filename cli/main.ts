#!/usr/bin/env node
/**
 * The `svcnet` command. Each subcommand runs one component (or, for `up`, all of them in one
 * process); flags are kebab-case and named as the upstream component names them.
 */
import { kubernetesVersion, svcnetVersion } from '../api/server/version.js';
import { CliError } from './flags.js';

const usage = `svcnet: Kubernetes Service and Ingress networking on one Linux machine

Usage: svcnet <command> [flags]

Commands:
  up           run every component in one process (API server, controllers, …)
  down         stop svcnet and remove what it created on the node (--purge: the data too)
  status       show whether svcnet runs and each component's health
  server       run the API server alone
  controllers  run the controllers against any API server (--kubeconfig)
  dns          run cluster DNS against any API server (--kubeconfig)
  agent        run the node agent (pods in network namespaces) against any API server
  ingress      run the Ingress controller against any API server (--kubeconfig)
  proxy        run svcnet proxy (kube-proxy) against any API server; 'proxy render' prints the rules
  demo         run the user walkthrough against the running stack, step by step
  kubeconfig   print the admin kubeconfig of a data dir
  version      print versions

Run 'svcnet <command> --help' for a command's flags.
`;

// Each command's module is imported only when that command runs: `svcnet version` or `status`
// should not pay for loading the API server, the agent and the proxy.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'server':
      return (await import('./server-command.js')).runServer(rest);
    case 'up':
      return (await import('./up-command.js')).runUp(rest);
    case 'kubeconfig':
      return (await import('./kubeconfig-command.js')).runKubeconfig(rest);
    case 'down':
      return (await import('./down-command.js')).runDown(rest);
    case 'controllers':
      return (await import('./controllers-command.js')).runControllers(rest);
    case 'dns':
      return (await import('./dns-command.js')).runDns(rest);
    case 'agent':
      return (await import('./agent-command.js')).runAgent(rest);
    case 'ingress':
      return (await import('./ingress-command.js')).runIngress(rest);
    case 'proxy':
      return (await import('./proxy-command.js')).runProxy(rest);
    case 'demo':
      return (await import('./demo-command.js')).runDemo(rest);
    case 'status':
      return (await import('./status-command.js')).runStatus(rest);
    case 'version':
      process.stdout.write(`svcnet ${svcnetVersion} (Kubernetes API ${kubernetesVersion}, node ${process.version})\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`svcnet: unknown command "${command}" (not built yet, or misspelt)\n\n${usage}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err) => {
    if (err instanceof CliError) process.stderr.write(`svcnet: ${err.message}\n`);
    else process.stderr.write(`svcnet: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
