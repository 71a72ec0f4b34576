/**
 * A session's SRTP both ways while its stream is RTP/SAVP (what SDES agreed,
 * sdes.ts); plain RTP passes through untouched otherwise. A direction keeps
 * its context — its rollover counter, its replay window — for as long as its
 * key stays the same across re-INVITEs.
 */
import { SrtpReceiver, SrtpSender } from '../rtp/srtp.js';
import type { SrtpAgreement } from '../sdp/sdes.js';

export class SrtpStreams {
  #agreement: SrtpAgreement | undefined;
  #sender: SrtpSender | undefined;
  #receiver: SrtpReceiver | undefined;

  rekey(agreement: SrtpAgreement | undefined): void {
    const before = this.#agreement;
    this.#agreement = agreement;
    if (!agreement) {
      this.#sender = this.#receiver = undefined;
      return;
    }
    const sameSuite = before?.suite === agreement.suite;
    if (!sameSuite || before.ourKey !== agreement.ourKey || !this.#sender) this.#sender = new SrtpSender(agreement.suite, Buffer.from(agreement.ourKey, 'base64'));
    if (!sameSuite || before.theirKey !== agreement.theirKey || !this.#receiver) this.#receiver = new SrtpReceiver(agreement.suite, Buffer.from(agreement.theirKey, 'base64'));
  }

  outgoingRtp(datagram: Buffer): Buffer {
    return this.#sender ? this.#sender.protectRtp(datagram) : datagram;
  }

  outgoingRtcp(datagram: Buffer): Buffer {
    return this.#sender ? this.#sender.protectRtcp(datagram) : datagram;
  }

  /** The RTP packet a datagram carries; undefined when SRTP is on and it does not authenticate. */
  incomingRtp(datagram: Buffer): Buffer | undefined {
    return this.#receiver ? this.#receiver.unprotectRtp(datagram) : datagram;
  }
}
