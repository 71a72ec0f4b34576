/**
 * `npm run bench:register`: sipp registers REGISTRATIONS (default 15,000)
 * distinct users with digest authentication (REGISTER, 401, REGISTER with
 * credentials, 200) over UDP to a router on loopback, offered at RATE per
 * second (default 3,000), and the rate of completed registrations is
 * printed. Any failed registration, and any warning the router logs (the
 * 503 of the server transaction limit is one), fails the run.
 *
 * Each registration leaves two UDP server transactions alive for the 32 s of
 * Timer J, so only a run longer than that shows the steady state:
 * `REGISTRATIONS=120000 RATE=2000 npm run bench:register` offers 60 s.
 */
import pino from 'pino';
import { account, startTestRouter } from '../test/support/sip/router.js';
import { runSipp } from '../test/support/sip/sipp.js';

const REGISTRATIONS = Number(process.env.REGISTRATIONS ?? 15_000);
const RATE = Number(process.env.RATE ?? 3_000);
const WARM_UP = 1_000;
/** sipp's own deadline: the offered duration plus room for a slow machine. */
const TIMEOUT_SECONDS = Math.ceil(REGISTRATIONS / RATE) + 60;

const users = Array.from({ length: WARM_UP + REGISTRATIONS }, (_, index) => String(10_000 + index));
let warnings = 0;
// Info level as in production (one line per transaction outcome), written where it costs the least; warnings are counted.
const logger = pino(
  {
    level: 'info',
    hooks: {
      logMethod(args, log, level) {
        if (level >= pino.levels.values.warn) warnings++;
        log.apply(this, args);
      },
    },
  },
  pino.destination({ dest: '/dev/null', sync: false }),
);
const server = await startTestRouter({ users, logger });
try {
  const run = (accounts: string[]) =>
    runSipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: accounts.map((id) => account(id)), keys: { expires: 3600 }, rate: RATE, concurrency: 2_000, timeoutSeconds: TIMEOUT_SECONDS });
  const warmUp = await run(users.slice(0, WARM_UP));
  if (warmUp.exitCode !== 0) throw new Error(`warm-up failed:\n${warmUp.diagnostics}`);
  let peakRss = 0;
  const sampling = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 1_000);
  const cpuBefore = process.cpuUsage();
  const result = await run(users.slice(WARM_UP));
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampling);
  const seconds = result.elapsedMs / 1000;
  console.log(
    `bench:register: ${result.successful.toLocaleString('en-US')} authenticated registrations (UDP, distinct users) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(result.successful / seconds).toLocaleString('en-US')} registrations/s, ${result.failed} failed (offered ${RATE}/s)`,
  );
  console.log(`router warnings (503 at the server transaction limit among them): ${warnings}; peak RSS ${Math.round(peakRss / 2 ** 20)} MB`);
  if (result.exitCode !== 0 || result.failed > 0 || result.successful !== REGISTRATIONS || warnings > 0) {
    console.error(result.diagnostics);
    process.exitCode = 1;
  }
  // The router's own cost, steadier than the rate when other work shares the cores.
  const cpuMicros = (cpu.user + cpu.system) / result.successful;
  console.log(`router CPU: ${Math.round(cpuMicros)} µs per registration (${Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100)}% of a core)`);
} finally {
  await server.close();
}
