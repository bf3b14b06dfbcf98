/** Test entry: runs `svcnet agent` with the given flags (cli/main.ts gets its case from the CLI owner). */
import { runAgent } from '../../cli/agent-command.js';

runAgent(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`run-agent: ${(err as Error)?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
