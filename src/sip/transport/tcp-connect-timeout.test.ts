/**
 * A TCP connection we open that is never established (the peer's SYNs go
 * unanswered) fails the message after sip.tcp's connect timeout, not after
 * the idle timeout of an open connection (600 s).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { parseMessage, type SipMessage } from '../message/index.js';
import { TransportLayer } from './transport-layer.js';

/**
 * A listener whose accept queue is full and that never accepts: Linux drops
 * further SYNs, so a connect to it hangs. Node accepts every connection, so
 * python3 (Debian's base system) holds it.
 */
const FULL_LISTENER = `
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    fill.append(c)
print(s.getsockname()[1], flush=True)
sys.stdin.read()
`;

function request(): SipMessage {
  const text = 'OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-connect\r\nMax-Forwards: 70\r\nFrom: <sip:b@x>;tag=1\r\nTo: <sip:a@x>\r\nCall-ID: connect-timeout\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
  const parsed = parseMessage(Buffer.from(text));
  assert.ok(parsed.ok);
  return parsed.message;
}

test('a connection that is never established fails the send at the connect timeout', async () => {
  const listener = spawn('python3', ['-c', FULL_LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const layer = new TransportLayer({ address: '127.0.0.1', port: 0, transports: ['tcp'], tcp: { connectTimeoutMs: 300, idleTimeoutMs: 600_000 } });
  try {
    const [line] = (await once(listener.stdout, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    await layer.listen();
    await assert.rejects(layer.send(request(), { transport: 'tcp', address: '127.0.0.1', port }), /TCP connect to .* timed out/);
  } finally {
    await layer.close();
    listener.stdin.end();
    listener.kill();
  }
});
