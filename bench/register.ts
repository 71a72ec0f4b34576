/**
 * `npm run bench:register`: sipp registers REGISTRATIONS (default 15,000)
 * distinct users with digest authentication (REGISTER, 401, REGISTER with
 * credentials, 200) over UDP to a router on loopback, offered at RATE per
 * second (default 3,000), and the rate of completed registrations is
 * printed. Any failed registration fails the run.
 *
 * The total stays under what 32 s of Timer J can hold (each registration
 * leaves two UDP server transactions alive that long, capped at 50,000).
 */
import pino from 'pino';
import { account, startTestRouter } from '../test/sip/support/router.js';
import { runSipp } from '../test/sip/support/sipp.js';

const REGISTRATIONS = Number(process.env.REGISTRATIONS ?? 15_000);
const RATE = Number(process.env.RATE ?? 3_000);
const WARM_UP = 1_000;

const users = Array.from({ length: WARM_UP + REGISTRATIONS }, (_, index) => String(10_000 + index));
// Info level as in production (one line per transaction outcome), written where it costs the least.
const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
const server = await startTestRouter({ users, logger });
try {
  const run = (accounts: string[]) =>
    runSipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: accounts.map((id) => account(id)), keys: { expires: 3600 }, rate: RATE, concurrency: 2_000, timeoutSeconds: 120 });
  const warmUp = await run(users.slice(0, WARM_UP));
  if (warmUp.exitCode !== 0) throw new Error(`warm-up failed:\n${warmUp.diagnostics}`);
  const cpuBefore = process.cpuUsage();
  const result = await run(users.slice(WARM_UP));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = result.elapsedMs / 1000;
  console.log(
    `bench:register: ${result.successful.toLocaleString('en-US')} authenticated registrations (UDP, distinct users) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(result.successful / seconds).toLocaleString('en-US')} registrations/s, ${result.failed} failed (offered ${RATE}/s)`,
  );
  if (result.exitCode !== 0 || result.failed > 0 || result.successful !== REGISTRATIONS) {
    console.error(result.diagnostics);
    process.exitCode = 1;
  }
  // The router's own cost, steadier than the rate when other work shares the cores.
  const cpuMicros = (cpu.user + cpu.system) / result.successful;
  console.log(`router CPU: ${Math.round(cpuMicros)} µs per registration (${Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100)}% of a core)`);
} finally {
  await server.close();
}
