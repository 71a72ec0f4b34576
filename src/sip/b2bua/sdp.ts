/**
 * The little SDP (RFC 4566, RFC 3264) the B2BUA writes itself. It carries
 * no media: when a call is answered before anything is bridged to it, the
 * caller gets an answer that accepts the first codec of each stream with
 * the media inactive, so nothing is sent until a bridge re-negotiates.
 */
const CRLF = '\r\n';

export function inactiveAnswer(offer: Buffer, host: string): Buffer {
  const media: string[] = [];
  for (const section of mediaSections(offer.toString('utf8'))) {
    const [kind, port, protocol, firstFormat] = section[0].slice(2).split(' ');
    const format = firstFormat ?? '0';
    // RFC 3264 §6: a stream the offer disabled stays disabled in the answer.
    if (port === '0') {
      media.push(`m=${kind} 0 ${protocol} ${format}`);
      continue;
    }
    media.push(`m=${kind} 9 ${protocol} ${format}`);
    // Payload type numbers are per m-line: the rtpmap is looked up in this section only.
    const rtpmap = section.find((line) => line.startsWith(`a=rtpmap:${format} `));
    if (rtpmap) media.push(rtpmap);
    media.push('a=inactive');
  }
  return session(host, media.length > 0 ? media : ['m=audio 9 RTP/AVP 0', 'a=inactive']);
}

/** The lines of each media section, its m= line first. */
function mediaSections(text: string): string[][] {
  const sections: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('m=')) sections.push([line]);
    else if (sections.length > 0 && line !== '') sections[sections.length - 1].push(line);
  }
  return sections;
}

/** An offer of G.711 with the media inactive, for a caller whose INVITE carried no offer. */
export function inactiveOffer(host: string): Buffer {
  return session(host, ['m=audio 9 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=inactive']);
}

function session(host: string, media: string[]): Buffer {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  const id = Date.now();
  const lines = [
    'v=0',
    `o=callrouter ${id} ${id} IN ${family} ${host}`,
    's=callrouter',
    `c=IN ${family} ${host}`,
    't=0 0',
    ...media,
  ];
  return Buffer.from(lines.join(CRLF) + CRLF, 'utf8');
}
