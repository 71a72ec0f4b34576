/**
 * One RTP endpoint on the media thread: its socket pair, what was
 * negotiated, where its peer sends from (source-latch.ts), what it sends
 * every slot (a prompt, DTMF events, silence — or nothing while it relays
 * the other party), what it receives (audio, telephone-events, in-band
 * digits), its recording.
 */
import type { RemoteInfo } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { decodeFrame, encodeInto, SAMPLES_PER_FRAME } from '../codec.js';
import type { AudioSource } from '../audio/source.js';
import type { RecordingOptions, RecordingSummary } from '../audio/call-recorder.js';
import type { MessageOptions, MessageRecording } from '../audio/message-recorder.js';
import type { DigitEvent } from '../dtmf/digits.js';
import { InbandDtmfDetector } from '../dtmf/inband-detector.js';
import { TelephoneEventReceiver, TelephoneEventSender } from '../dtmf/telephone-event.js';
import type { InbandDetection, PlayResult, SessionStats } from '../media-engine.js';
import type { SocketPair } from '../rtp/port-pool.js';
import { ReceiveStats } from '../rtp/receive-stats.js';
import { senderReport } from '../rtp/rtcp.js';
import { hasHeaderRoom, looksLikeRtcp, parseRtp, RTP_HEADER_BYTES, rtpDatagram, rtpDatagramAround, type RtpPacket } from '../rtp/rtp-packet.js';
import { canReceive, canSend, type NegotiatedMedia } from '../sdp/offer-answer.js';
import type { RelayPeer } from './relay-peer.js';
import { SessionRecordings } from './session-recordings.js';
import { SourceLatch } from './source-latch.js';
import { SrtpStreams } from './srtp-streams.js';
import { TxStream } from './tx-stream.js';

const RTCP_INTERVAL_SLOTS = 250;
const COMFORT_NOISE_PAYLOAD_TYPE = 13;

export interface SessionEvents {
  digit(event: DigitEvent): void;
  /** Before each datagram is handled: the thread's media clock runs a slot that is due (Ticker.catchUp). */
  receiving(): void;
}

interface Playing {
  source: AudioSource;
  terminators: string;
  done(result: PlayResult): void;
}

export class RtpSession implements RelayPeer {
  readonly tx = new TxStream();
  #media: NegotiatedMedia | undefined;
  readonly #srtp = new SrtpStreams();
  readonly #source = new SourceLatch();
  #failedPackets = 0;
  #remoteSsrc: number | undefined;
  #receiveStats = new ReceiveStats();
  readonly #eventReceiver = new TelephoneEventReceiver();
  #inband: InbandDtmfDetector | undefined;
  #inbandMode: InbandDetection = 'auto';
  #playing: Playing | undefined;
  readonly #digitQueue: { sender: TelephoneEventSender | AudioSource; done?: () => void }[] = [];
  #eventTimestamp: number | undefined;
  readonly #recordings: SessionRecordings;
  /** Where what we receive goes while bridged. */
  relayTo: RelayPeer | undefined;
  /** Who relays into us; while set and nothing of ours plays, our slots send nothing. */
  relayFrom: RelayPeer | undefined;
  /** Relayed to ourselves (echo): how many slots what we receive waits before it goes back. */
  echoDelaySlots = 0;
  readonly #echoLine: { dueSlot: number; packet: RtpPacket; from: NegotiatedMedia; samples: Int16Array | undefined }[] = [];
  #slotCount = 0;
  #slotsSinceRtcp = 0;
  readonly #frame = new Int16Array(SAMPLES_PER_FRAME);

  constructor(
    readonly id: string,
    readonly sockets: SocketPair,
    private readonly events: SessionEvents,
  ) {
    // Echo relays a session to itself: that is not a bridge.
    this.#recordings = new SessionRecordings(id, () => this.relayTo !== undefined && this.relayTo !== this);
    sockets.rtp.on('message', (datagram, from) => {
      events.receiving();
      // A packet we fail on is dropped and counted; it must not take the media thread down.
      try {
        this.#receive(datagram, from);
      } catch {
        this.#failedPackets += 1;
      }
    });
    sockets.rtcp.on('message', () => undefined);
    // A send to a closed port comes back as an ICMP error on some systems: not a reason to crash.
    sockets.rtp.on('error', () => undefined);
    sockets.rtcp.on('error', () => undefined);
  }

  get media(): NegotiatedMedia | undefined {
    return this.#media;
  }

  /** New negotiated parameters (answer, re-INVITE): a new peer address means latching again. */
  negotiate(media: NegotiatedMedia): void {
    const moved = !this.#media || media.remoteAddress !== this.#media.remoteAddress || media.remotePort !== this.#media.remotePort;
    this.#srtp.rekey(media.srtp);
    this.#media = media;
    if (moved) {
      this.#source.expect(media.remoteAddress === '0.0.0.0' ? undefined : { address: media.remoteAddress, port: media.remotePort });
    }
    this.#applyInbandMode();
  }

  detectInbandDigits(mode: InbandDetection): void {
    this.#inbandMode = mode;
    this.#applyInbandMode();
  }

  #applyInbandMode(): void {
    const wanted = this.#inbandMode === 'auto' ? this.#media !== undefined && this.#media.telephoneEventPayloadType === undefined : this.#inbandMode === 'on';
    this.#inband = wanted ? (this.#inband ?? new InbandDtmfDetector()) : undefined;
  }

  play(source: AudioSource, terminators: string): Promise<PlayResult> {
    this.stopPlaying();
    return new Promise((done) => (this.#playing = { source, terminators, done }));
  }

  stopPlaying(): void {
    const playing = this.#playing;
    this.#playing = undefined;
    playing?.done({ reason: 'stopped' });
  }

  /** Queues digits: RFC 4733 events when negotiated, else the tones themselves. */
  sendDigits(senders: (TelephoneEventSender | AudioSource)[]): Promise<void> {
    return new Promise((resolve) => {
      senders.forEach((sender, index) => this.#digitQueue.push({ sender, done: index === senders.length - 1 ? resolve : undefined }));
      if (senders.length === 0) resolve();
    });
  }

  receiveDigit(event: DigitEvent): void {
    this.#recordings.digit(event.digit);
    const playing = this.#playing;
    if (playing && playing.terminators.includes(event.digit)) {
      this.#playing = undefined;
      playing.done({ reason: 'terminator', digit: event.digit });
    }
    this.events.digit(event);
  }

  startRecording(path: string, options?: RecordingOptions): Promise<void> {
    return this.#recordings.startRecording(path, options);
  }

  stopRecording(): Promise<RecordingSummary> | undefined {
    return this.#recordings.stopRecording();
  }

  recordMessage(path: string, options: MessageOptions): Promise<MessageRecording> {
    return this.#recordings.recordMessage(path, options);
  }

  stopMessage(): Promise<void> {
    return this.#recordings.stopMessage();
  }

  /** One 20 ms slot of the media clock. */
  slot(missedSlots: number): void {
    this.#slotCount += missedSlots + 1;
    this.#releaseEchoes();
    this.#recordings.slot(missedSlots);
    if (++this.#slotsSinceRtcp >= RTCP_INTERVAL_SLOTS) this.#sendRtcp();
    const media = this.#media;
    if (!media || !this.#source.remote || !canSend(media.direction)) {
      this.#advanceSources(missedSlots + 1);
      return;
    }
    if (this.#digitQueue.length > 0 && this.#sendDigitSlot(media, missedSlots)) return;
    const frame = this.#nextOwnFrame(missedSlots);
    if (!frame) return;
    const { timestamp, marker } = this.tx.ownSlot(missedSlots);
    this.#sendSamples(media, marker, timestamp, frame);
    if (this.#recordings.recordsCall) this.#recordings.peerHears(frame.slice());
  }

  /** A packet from the other party of a bridge, re-sequenced onto our stream. */
  sendRelayed(packet: RtpPacket, from: NegotiatedMedia, decoded: Int16Array | undefined): void {
    const media = this.#media;
    if (!media || !this.#source.remote || !canSend(media.direction) || this.#playing) return;
    if (packet.payloadType === from.telephoneEventPayloadType) {
      if (media.telephoneEventPayloadType === undefined) return;
      const { timestamp, marker } = this.tx.relay(packet);
      this.#sendRelayedPayload(media.telephoneEventPayloadType, marker, timestamp, packet.payload);
      return;
    }
    // Samples only when they are needed: the same codec both ways passes the payload through.
    const transcoding = from.codec !== media.codec;
    const samples = decoded ?? (transcoding || this.#recordings.recordsCall ? decodeFrame(from.codec, packet.payload) : undefined);
    if (samples) this.#recordings.peerHears(samples);
    const { timestamp, marker } = this.tx.relay(packet);
    if (transcoding && samples) this.#sendSamples(media, marker, timestamp, samples);
    else this.#sendRelayedPayload(media.payloadType, marker, timestamp, packet.payload);
  }

  /** A relayed payload goes out in the datagram it came in (each is relayed once, to one peer); else copied into a new one. */
  #sendRelayedPayload(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!hasHeaderRoom(payload)) return this.#sendPayload(payloadType, marker, timestamp, payload);
    this.#transmit(rtpDatagramAround(payload, payloadType, marker, this.tx.nextSequence(payload.length), timestamp, this.tx.ssrc));
  }

  stats(): SessionStats {
    const reception = this.#receiveStats.report();
    return {
      packetsSent: this.tx.packetsSent,
      packetsReceived: reception.received,
      packetsLost: reception.lost,
      jitterMs: reception.jitterMs,
      foreignPacketsDropped: this.#source.dropped,
      failedPackets: this.#failedPackets,
      remote: this.#source.remote ? `${this.#source.remote.address}:${this.#source.remote.port}` : undefined,
    };
  }

  /** Out of any bridge or echo: our slots carry our own audio again. */
  detach(): void {
    this.relayTo = undefined;
    this.relayFrom = undefined;
  }

  /** Ends what is in progress; the sockets are the owner's to release. */
  close(): void {
    this.#recordings.writeDueSlots();
    this.stopPlaying();
    for (const queued of this.#digitQueue.splice(0)) queued.done?.();
    this.detach();
    this.#echoLine.length = 0;
  }

  #nextOwnFrame(missedSlots: number): Int16Array | undefined {
    this.#advanceSources(missedSlots);
    const playing = this.#playing;
    if (playing) {
      if (playing.source.read(this.#frame)) return this.#frame;
      this.#playing = undefined;
      playing.done({ reason: 'finished' });
    }
    if (this.relayFrom) return undefined;
    return this.#frame.fill(0);
  }

  /** Skips what missed slots would have played. */
  #advanceSources(slots: number): void {
    const playing = this.#playing;
    if (slots === 0 || !playing || playing.source.skip(slots) === 0) return;
    this.#playing = undefined;
    playing.done({ reason: 'finished' });
  }

  /** Sends this slot's DTMF packets; false when the queue holds in-band tones, which go as audio. */
  #sendDigitSlot(media: NegotiatedMedia, missedSlots: number): boolean {
    const queued = this.#digitQueue[0];
    if (!(queued.sender instanceof TelephoneEventSender)) {
      if (!queued.sender.read(this.#frame)) {
        this.#finishDigit();
        return false;
      }
      const { timestamp, marker } = this.tx.ownSlot(missedSlots);
      this.#sendSamples(media, marker, timestamp, this.#frame);
      return true;
    }
    const { timestamp } = this.tx.ownSlot(missedSlots);
    this.#eventTimestamp ??= timestamp;
    for (const packet of queued.sender.next()) this.#sendPayload(media.telephoneEventPayloadType!, packet.marker, this.#eventTimestamp, packet.payload);
    if (queued.sender.done) this.#finishDigit();
    return true;
  }

  #finishDigit(): void {
    this.#eventTimestamp = undefined;
    this.#digitQueue.shift()?.done?.();
  }

  /** Our audio, encoded straight into the datagram. */
  #sendSamples(media: NegotiatedMedia, marker: boolean, timestamp: number, samples: Int16Array): void {
    const datagram = this.#datagram(media.payloadType, marker, timestamp, samples.length);
    if (!datagram) return;
    encodeInto(media.codec, samples, datagram, RTP_HEADER_BYTES);
    this.#transmit(datagram);
  }

  #sendPayload(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    const datagram = this.#datagram(payloadType, marker, timestamp, payload.length);
    if (!datagram) return;
    datagram.set(payload, RTP_HEADER_BYTES);
    this.#transmit(datagram);
  }

  /** The next packet's datagram, header written; undefined while we have nowhere to send. */
  #datagram(payloadType: number, marker: boolean, timestamp: number, payloadBytes: number): Buffer | undefined {
    if (!this.#source.remote) return undefined;
    return rtpDatagram(payloadType, marker, this.tx.nextSequence(payloadBytes), timestamp, this.tx.ssrc, payloadBytes);
  }

  #transmit(datagram: Buffer): void {
    const remote = this.#source.remote!;
    this.sockets.rtp.send(this.#srtp.outgoingRtp(datagram), remote.port, remote.address);
  }

  #sendRtcp(): void {
    this.#slotsSinceRtcp = 0;
    const remote = this.#source.remote;
    if (!remote || this.tx.packetsSent === 0) return;
    const report = senderReport(
      { ssrc: this.tx.ssrc, rtpTimestamp: this.tx.timestamp, packetsSent: this.tx.packetsSent, octetsSent: this.tx.octetsSent },
      this.#remoteSsrc,
      this.#receiveStats.report(),
      Date.now(),
    );
    this.sockets.rtcp.send(this.#srtp.outgoingRtcp(report), remote.port + 1, remote.address);
  }

  #receive(datagram: Buffer, from: RemoteInfo): void {
    if (looksLikeRtcp(datagram)) return;
    // Before the source latch: only a packet that authenticates may move where we send.
    const plain = this.#srtp.incomingRtp(datagram);
    if (!plain) {
      this.#failedPackets += 1;
      return;
    }
    const packet = parseRtp(plain);
    const media = this.#media;
    if (!packet || !media) return;
    if (!this.#source.accept(from, this.#slotCount)) return;
    if (!canReceive(media.direction)) return;
    if (packet.ssrc !== this.#remoteSsrc) {
      // A new source (the phone restarted its stream): its sequence numbers start afresh.
      this.#remoteSsrc = packet.ssrc;
      this.#receiveStats = new ReceiveStats();
    }
    this.#receiveStats.record(packet.sequenceNumber, packet.timestamp, performance.now());
    if (packet.payloadType === media.telephoneEventPayloadType) {
      const digit = this.#eventReceiver.receive(packet.timestamp, packet.payload);
      if (digit) this.receiveDigit({ ...digit, source: 'rfc4733' });
      this.#relay(packet, media, undefined);
      return;
    }
    if (packet.payloadType !== media.payloadType || packet.payloadType === COMFORT_NOISE_PAYLOAD_TYPE) return;
    const needsSamples = this.#recordings.hearsPeer || this.#inband !== undefined || (this.relayTo?.media && this.relayTo.media.codec !== media.codec);
    const samples = needsSamples ? decodeFrame(media.codec, packet.payload) : undefined;
    if (samples) {
      this.#recordings.peerSaid(samples);
      for (const digit of this.#inband?.push(samples) ?? []) this.receiveDigit({ digit, durationMs: 40, source: 'inband' });
    }
    this.#relay(packet, media, samples);
  }

  /** To the other party of a bridge at once; to ourselves (echo) after the echo delay. */
  #relay(packet: RtpPacket, from: NegotiatedMedia, samples: Int16Array | undefined): void {
    if (this.relayTo !== this || this.echoDelaySlots === 0) return this.relayTo?.sendRelayed(packet, from, samples);
    this.#echoLine.push({ dueSlot: this.#slotCount + this.echoDelaySlots, packet, from, samples });
  }

  #releaseEchoes(): void {
    const line = this.#echoLine;
    if (this.relayTo !== this) line.length = 0;
    while (line.length > 0 && line[0].dueSlot <= this.#slotCount) {
      const { packet, from, samples } = line.shift()!;
      this.sendRelayed(packet, from, samples);
    }
  }
}
