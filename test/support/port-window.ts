/**
 * The ports one test process hands out to its peers (sipp, softphones): a
 * window of its own below the router's RTP ports (16384–32767) and the
 * kernel's ephemeral ones. A port the kernel picked for us could be picked
 * again for any socket bound to port 0 between our look and the peer's bind;
 * a port of a window is only ever handed out by the process holding it.
 *
 * Test files run side by side in several processes, so a process claims its
 * window with a file created exclusively (`wx`), one per window, holding its
 * pid; a window whose holder has died is taken over. Choosing a window by pid
 * alone let two processes whose pids differed by a multiple of the window count
 * hand out the same ports in the same order.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FIRST_PORT = 8_000;
const WINDOW_SIZE = 256;
const WINDOWS = Math.floor((16_384 - FIRST_PORT) / WINDOW_SIZE);
const CLAIMS = join(tmpdir(), 'callrouter-test-port-windows');

let claimed: number | undefined;

/** The first port of this process's window, claimed on first use. */
export function portWindowStart(): number {
  claimed ??= claimWindow();
  return FIRST_PORT + claimed * WINDOW_SIZE;
}

export const PORT_WINDOW_SIZE = WINDOW_SIZE;

function claimWindow(): number {
  mkdirSync(CLAIMS, { recursive: true });
  const first = process.pid % WINDOWS;
  for (let offset = 0; offset < WINDOWS; offset++) {
    const window = (first + offset) % WINDOWS;
    if (tryClaim(join(CLAIMS, String(window)))) return window;
  }
  // More test processes than windows at once: share by pid, as before.
  return first;
}

function tryClaim(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      if (holderAlive(file)) return false;
      // The holder died: remove its claim and race for the window like everyone else (one `wx` wins).
      try {
        unlinkSync(file);
      } catch {
        // Another process removed it first.
      }
    }
  }
  return false;
}

function holderAlive(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const pid = Number(text);
  // Empty: its holder created it and has not yet written its pid.
  if (text === '' || !Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
