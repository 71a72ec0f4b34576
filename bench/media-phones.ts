/**
 * The load phones of `bench:media`, driven from here: a small native process
 * (bench/media-load/phones.c, compiled with the system's C compiler at the
 * start of each run) that sends and receives every phone's RTP, so that the
 * load generator leaves the machine to the engine it measures. This side
 * tells it which engine session each phone is on and which digits to press,
 * and keeps what the bench checks: the digits each call pressed.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { DTMF_DIGITS } from '../src/media/dtmf/digits.js';

/** Slots a digit's packets take: updates, then the end packet (three times) in the last. */
export const DIGIT_SLOTS = 3;
const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;

function compilePhones(): string {
  const binary = join(mkdtempSync(join(tmpdir(), 'bench-phones-')), 'phones');
  const source = new URL('./media-load/phones.c', import.meta.url).pathname;
  try {
    execFileSync('cc', ['-O2', '-o', binary, source], { stdio: 'inherit' });
  } catch (error) {
    throw new Error(`bench:media compiles its load phones with the system's C compiler (cc): ${(error as Error).message}; install it with 'apt-get install gcc'`);
  }
  return binary;
}

/** What a phone's call received of the engine's stream, and its RFC 3550 interarrival jitter. */
export interface CallReception {
  received: number;
  jitterMs: number;
}

/** One phone: its state as the bench directs it. */
export class Phone {
  onCall = false;
  /** Digits this call pressed, in order. */
  digitsSent = '';
  /** The slot until which the digit being pressed is still being sent. */
  #pressingUntil = -1;

  constructor(
    private readonly bank: PhoneBank,
    readonly index: number,
  ) {}

  /** Our side of the offer: PCMU with telephone-event, on the bank's shared port. */
  offer(): string {
    return `v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${this.bank.port} RTP/AVP 0 ${TELEPHONE_EVENT_PAYLOAD_TYPE}\r\na=rtpmap:${TELEPHONE_EVENT_PAYLOAD_TYPE} telephone-event/8000\r\n`;
  }

  /** On a call with the engine's session that answered with `answerSdp`: sending from the next slot. */
  join(answerSdp: string): void {
    const port = Number(/m=audio (\d+)/.exec(answerSdp)![1]);
    this.bank.tell(`join ${this.index} ${port}`);
    this.onCall = true;
    this.digitsSent = '';
    this.#pressingUntil = -1;
  }

  /** Stops sending: the call is about to end. What the engine still sends lands and is counted. */
  leave(): void {
    if (!this.onCall) return;
    this.onCall = false;
    this.bank.tell(`leave ${this.index}`);
  }

  /** Starts pressing a digit (0–15) from the phones' next slot. */
  press(event: number, slot: number): void {
    this.bank.tell(`press ${this.index} ${event}`);
    this.digitsSent += DTMF_DIGITS[event];
    this.#pressingUntil = slot + DIGIT_SLOTS + 1;
  }

  pressing(slot: number): boolean {
    return slot <= this.#pressingUntil;
  }

  /** This call's reception so far. */
  async reception(): Promise<CallReception> {
    const [received, jitterMs] = (await this.bank.ask(`call ${this.index}`)).map(Number);
    return { received, jitterMs };
  }
}

/** The native process and its phones. */
export class PhoneBank {
  readonly #process: ChildProcessByStdio<Writable, Readable, null>;
  readonly #answers: ((words: string[]) => void)[] = [];
  port = 0;
  phones: Phone[] = [];

  private constructor(binary: string) {
    this.#process = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.#process.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`bench:media: the load phones exited with ${code}`);
    });
    createInterface({ input: this.#process.stdout }).on('line', (line) => this.#answers.shift()?.(line.split(' ').slice(1)));
  }

  static async open(count: number): Promise<PhoneBank> {
    const bank = new PhoneBank(compilePhones());
    bank.port = Number((await bank.ask(`open ${count}`))[0]);
    bank.phones = Array.from({ length: count }, (_, index) => new Phone(bank, index));
    return bank;
  }

  tell(command: string): void {
    this.#process.stdin.write(`${command}\n`);
  }

  ask(command: string): Promise<string[]> {
    return new Promise((resolve) => {
      this.#answers.push(resolve);
      this.tell(command);
    });
  }

  /** Packets sent and received by all phones over the whole run. */
  async totals(): Promise<{ sent: number; received: number }> {
    const [sent, received] = (await this.ask('totals')).map(Number);
    return { sent, received };
  }

  /** The phones' CPU time (user and system) in microseconds. */
  async cpuMicros(): Promise<number> {
    return Number((await this.ask('cpu'))[0]);
  }

  close(): void {
    this.tell('quit');
  }
}
