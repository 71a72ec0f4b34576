/**
 * A caller that leaves a voicemail over real SIP and RTP: it waits for the
 * beep, says a pure tone for two seconds, and hangs up.
 */
import { parseToneStream, ToneSource } from '../../../src/media/audio/tone-stream.js';
import { callUas } from './sip-uac.js';
import { hearsTone, RtpPeer } from './rtp-peer.js';

export async function leaveToneMessage(options: { port: number; number: string; caller: string; beepHz: number; voiceHz: number }): Promise<void> {
  const peer = await RtpPeer.open('PCMU');
  try {
    const call = await callUas(options.port, peer.offer(), options.number, options.caller);
    peer.useAnswer(call.answerSdp);
    await hearsTone(peer, options.beepHz);
    await peer.sendAudio(new ToneSource(parseToneStream(`%(2000,0,${options.voiceHz})`)), 100);
    await call.bye();
  } finally {
    peer.close();
  }
}
