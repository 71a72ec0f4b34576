/**
 * What a session records: the call (recordSession: the peer on the left,
 * what the peer hears on the right) and a message the peer leaves
 * (recordFile, voicemail), on the media clock's timeline. After a stall, the
 * clock's catch-up comes before the packets that waited in the socket
 * meanwhile are read: those slots are written once they are (an immediate runs
 * after the event loop's poll phase), so a busy thread leaves no silence in a
 * recording; later slots queue behind them to keep the timeline in order.
 */
import { CallRecorder, type RecordingOptions, type RecordingSummary } from '../audio/call-recorder.js';
import { MessageRecorder, type MessageOptions, type MessageRecording } from '../audio/message-recorder.js';

export class SessionRecordings {
  #recorder: CallRecorder | undefined;
  #message: MessageRecorder | undefined;
  /** Slots of the timeline due but not yet written. */
  #slotsDue = 0;
  #catchUp: NodeJS.Immediate | undefined;

  constructor(
    private readonly sessionId: string,
    /** Whether the session is bridged to another party now (a recording made only while bridged skips the other slots). */
    private readonly bridged: () => boolean,
  ) {}

  /** Whether anything records the peer's audio (it must be decoded). */
  get hearsPeer(): boolean {
    return this.#recorder !== undefined || this.#message !== undefined;
  }

  /** Whether the call is recorded (what the peer hears must be decoded). */
  get recordsCall(): boolean {
    return this.#recorder !== undefined;
  }

  async startRecording(path: string, options?: RecordingOptions): Promise<void> {
    if (this.#recorder) throw new Error(`session ${this.sessionId} is already recording to ${this.#recorder.path}`);
    const recorder = new CallRecorder(path, options);
    await recorder.opened();
    this.#recorder = recorder;
  }

  stopRecording(): Promise<RecordingSummary> | undefined {
    this.writeDueSlots();
    const recorder = this.#recorder;
    this.#recorder = undefined;
    return recorder?.stop();
  }

  /** Records what the peer says until the message ends by itself (length, silence, terminator) or the session closes. */
  async recordMessage(path: string, options: MessageOptions): Promise<MessageRecording> {
    if (this.#message) throw new Error(`session ${this.sessionId} is already recording a message to ${this.#message.path}`);
    const message = new MessageRecorder(path, options);
    await message.opened();
    this.#message = message;
    return message.done;
  }

  /** Ends the message being recorded, if any, and waits for its file to be complete. */
  async stopMessage(): Promise<void> {
    this.writeDueSlots();
    const message = this.#message;
    this.#message = undefined;
    await message?.end('stopped');
  }

  /** A digit the peer pressed: a terminator ends the message. */
  digit(digit: string): void {
    if (this.#message?.digit(digit)) this.#message = undefined;
  }

  /** The peer's audio (a packet's worth). */
  peerSaid(samples: Int16Array): void {
    this.#recorder?.push('left', samples);
    this.#message?.push(samples);
  }

  /** What the peer hears (our frame, or the other party's audio). */
  peerHears(samples: Int16Array): void {
    this.#recorder?.push('right', samples);
  }

  /** A slot of the media clock, after `missedSlots` the thread was too busy for. */
  slot(missedSlots: number): void {
    if (!this.hearsPeer) return;
    this.#slotsDue += missedSlots + 1;
    if (missedSlots > 0 || this.#catchUp) this.#catchUp ??= setImmediate(this.writeDueSlots);
    else this.writeDueSlots();
  }

  /** Writes the slots due (at once: the session stops or closes). */
  readonly writeDueSlots = (): void => {
    clearImmediate(this.#catchUp);
    this.#catchUp = undefined;
    const due = this.#slotsDue;
    this.#slotsDue = 0;
    const recorder = this.#recorder;
    const recording = recorder !== undefined && (!recorder.onlyWhileBridged || this.bridged());
    for (let slot = 0; slot < due; slot++) {
      if (recording) recorder.slot();
      else recorder?.skipSlot();
      if (this.#message?.slot()) this.#message = undefined;
    }
  };
}
