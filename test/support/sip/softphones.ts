/**
 * Real softphones from Debian, configured the way the README tells a
 * newcomer: the router as outbound proxy, UDP, the user's printed password.
 * baresip takes commands on its `cons` UDP port; Linphone runs as linphonec
 * in pipe mode, driven through linphonecsh.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import wavefile from 'wavefile';
import { freeUdpPort } from './sipp.js';

export interface PhoneAccount {
  user: string;
  domain: string;
  password: string;
  /** The router's UDP port on 127.0.0.1 (its TLS port with `tlsCaFile`). */
  routerPort: number;
  /** Over TLS: the CA file (PEM) that signs the router's certificate. */
  tlsCaFile?: string;
}

export interface Softphone {
  dial(user: string): Promise<void>;
  hangUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A baresip configuration in `dir`: SIP on 127.0.0.1:`sipPort`, G.711, RTP on
 * `rtpPort` and the next, and `say` (8 kHz samples) as what it speaks in a call;
 * `modules`, `appModules` and `lines` add to that (a console, a recorder).
 */
export async function writeBaresipConfig(
  dir: string,
  options: { sipPort: number; rtpPort: number; say: Int16Array; modules?: string[]; appModules?: string[]; lines?: string[] },
): Promise<void> {
  const speech = new wavefile.WaveFile();
  speech.fromScratch(1, 8000, '16', options.say);
  await writeFile(join(dir, 'say.wav'), speech.toBuffer());
  await writeFile(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${options.sipPort}`,
      'audio_player aubridge,nil',
      'audio_alert aubridge,nil',
      `audio_source aufile,${join(dir, 'say.wav')}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      ...(options.modules ?? []).map((module) => `module ${module}`),
      'module_app account.so',
      ...(options.appModules ?? []).map((module) => `module_app ${module}`),
      ...(options.lines ?? []),
      `rtp_ports ${options.rtpPort}-${options.rtpPort + 1}`,
      '',
    ].join('\n'),
  );
}

/** baresip: its transfer key (a blind transfer by REFER, RFC 3515) sends the call it is in to `uri`. */
export interface Baresip extends Softphone {
  transfer(uri: string): Promise<void>;
}

/**
 * baresip, answering every call at once; in a call it says `speech` (8 kHz samples; 30 s of silence by default).
 * `srtp`: its media only as SRTP keyed by SDES (RTP/SAVP with a=crypto, its `srtp` module's `srtp-mand`).
 */
export async function startBaresip(account: PhoneAccount, speech: Int16Array = new Int16Array(8000 * 30), options: { srtp?: boolean } = {}): Promise<Baresip> {
  const consolePort = await freeUdpPort();
  const { close } = await launchBaresip(account, {
    say: speech,
    modules: ['cons.so', ...(options.srtp ? ['srtp.so'] : [])],
    appModules: ['menu.so'],
    lines: [`cons_listen 127.0.0.1:${consolePort}`],
    accountParams: `;answermode=auto;audio_codecs=PCMU,PCMA${options.srtp ? ';mediaenc=srtp-mand' : ''}`,
  });
  const command = async (line: string) => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => socket.send(`${line}\n`, consolePort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
    socket.close();
  };
  return {
    dial: (target) => command(`/dial ${target}`),
    hangUp: () => command('/hangup'),
    transfer: (uri) => command(`/transfer ${uri}`),
    close,
  };
}

/** baresip watching: its `mwi` module lights for its own mailbox, its `presence` module shows `watches`' status; all it prints is kept. */
export interface WatchingBaresip {
  /** Everything it printed so far. */
  output(): string;
  /** A command on its console (stdin), e.g. `/contacts`; the answer comes in `output`. */
  command(line: string): void;
  close(): Promise<void>;
}

export async function startWatchingBaresip(account: PhoneAccount, watches: readonly string[]): Promise<WatchingBaresip> {
  const { phone, close } = await launchBaresip(account, {
    say: new Int16Array(800),
    modules: ['mwi.so', 'presence.so', 'contact.so', 'stdio.so'],
    appModules: ['menu.so'],
    contacts: watches.map((user) => `"${user}" <sip:${user}@${account.domain}>;presence=p2p`),
    console: 'stdio',
  });
  let printed = '';
  const keep = (data: Buffer) => {
    printed = (printed + data.toString('utf8')).slice(-100_000);
  };
  phone.stdout?.on('data', keep);
  phone.stderr?.on('data', keep);
  return { output: () => printed, command: (line) => void phone.stdin?.write(`${line}\n`), close };
}

/** baresip registered as `account` through the router, with its configuration in a temporary folder removed on close. */
async function launchBaresip(
  account: PhoneAccount,
  options: { say: Int16Array; modules: string[]; appModules: string[]; lines?: string[]; accountParams?: string; contacts?: string[]; console?: 'stdio' },
): Promise<{ phone: ChildProcess; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'interop-baresip-'));
  const [sipPort, rtpPort] = [await freeUdpPort(), await freeUdpPort()];
  const { user, domain, password, routerPort, tlsCaFile } = account;
  const lines = [...(options.lines ?? []), ...(tlsCaFile ? [`sip_cafile ${tlsCaFile}`] : [])];
  await writeBaresipConfig(dir, { sipPort, rtpPort, say: options.say, modules: options.modules, appModules: options.appModules, lines });
  const tls = tlsCaFile ? ';transport=tls' : '';
  await writeFile(join(dir, 'accounts'), `<sip:${user}@${domain}${tls}>;auth_pass=${password};outbound="sip:127.0.0.1:${routerPort}${tls}";regint=60${options.accountParams ?? ''}\n`);
  if (options.contacts) await writeFile(join(dir, 'contacts'), `${options.contacts.join('\n')}\n`);
  // Its console on stdin and stdout when the test reads what it prints (the stdio module).
  const phone = spawn('baresip', ['-f', dir], { stdio: options.console === 'stdio' ? 'pipe' : 'ignore' });
  const exited = once(phone, 'exit');
  return {
    phone,
    close: async () => {
      await stop(phone, exited);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const run = promisify(execFile);

/**
 * Linphone (linphonec 5), answering every call at once. linphonecsh talks to
 * one linphonec per user account of the machine, so one at a time.
 */
export async function startLinphone(account: PhoneAccount): Promise<Softphone> {
  const home = await mkdtemp(join(tmpdir(), 'interop-linphone-'));
  // Without a place for its database Linphone never starts registering.
  await mkdir(join(home, '.local', 'share', 'linphone'), { recursive: true });
  const [sipPort, rtpPort] = [await freeUdpPort(), await freeUdpPort()];
  const { user, domain, password, routerPort } = account;
  const config = join(home, 'linphonerc');
  await writeFile(
    config,
    [
      '[sip]',
      `sip_port=${sipPort}`,
      'sip_tcp_port=-1',
      'sip_tls_port=-1',
      'default_proxy=0',
      '[rtp]',
      `audio_rtp_port=${rtpPort}`,
      '[video]',
      'enabled=0',
      '[net]',
      'ipv6=0',
      '[proxy_0]',
      `reg_proxy=<sip:127.0.0.1:${routerPort};transport=udp>`,
      `reg_route=<sip:127.0.0.1:${routerPort};transport=udp;lr>`,
      `reg_identity=sip:${user}@${domain}`,
      'reg_expires=60',
      'reg_sendregister=1',
      '[auth_info_0]',
      `username=${user}`,
      `passwd=${password}`,
      `realm=${domain}`,
      `domain=${domain}`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, HOME: home };
  const shell = (...args: string[]) => run('linphonecsh', args, { env, timeout: 10_000 });
  await shell('init', '-c', config, '-a');
  return {
    dial: async (target) => void (await shell('dial', `sip:${target}@${domain}`)),
    hangUp: async () => void (await shell('hangup')),
    close: async () => {
      await shell('exit').catch(() => undefined);
      // linphonecsh only asks the daemon to exit; until it has, it may still write in its home.
      await daemonGone(config);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Waits up to 5 s for the linphonec daemon started with `config` to end. */
async function daemonGone(config: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 100) {
    const running = await run('pgrep', ['-f', config]).then(
      () => true,
      () => false,
    );
    if (!running) return;
    await sleep(100);
  }
}

async function stop(phone: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (phone.exitCode !== null || phone.signalCode !== null) return;
  phone.kill('SIGTERM');
  const timer = setTimeout(() => phone.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
