/**
 * Runs inside a test's network namespace (started with nsenter --net and an IPC channel):
 * - listens on 127.0.0.1:<port> there and hands the listening socket to the parent, which serves
 *   connections from inside the namespace with an API server living outside it;
 * - on {connect: {host, port}} opens a connection inside the namespace and hands it to the parent.
 */
import { createServer, connect, type Socket } from 'node:net';

const listenPort = Number(process.argv[2] ?? 0);
const server = createServer();
server.listen(listenPort, '127.0.0.1', () => {
  // Only the parent accepts: this process closes its copy once the handle is on its way.
  process.send!({ listening: (server.address() as { port: number }).port }, server, () => server.close());
});
process.on('message', (m: { connect?: { host: string; port: number; id: number } }) => {
  if (!m.connect) return;
  const { host, port, id } = m.connect;
  const sock: Socket = connect({ host, port }, () => process.send!({ connected: id }, sock, { keepOpen: false }));
  sock.on('error', (err) => process.send!({ failed: id, message: err.message }));
});
process.on('disconnect', () => process.exit(0));
