/**
 * The little SDP (RFC 4566, RFC 3264) the B2BUA writes itself. It carries
 * no media: when a call is answered before anything is bridged to it, the
 * caller gets an answer that accepts the first codec of each stream with
 * the media inactive, so nothing is sent until a bridge re-negotiates.
 */
const CRLF = '\r\n';

export function inactiveAnswer(offer: Buffer, host: string): Buffer {
  const lines = offer.toString('utf8').split(/\r?\n/);
  const media: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('m=')) continue;
    const [kind, , protocol, firstFormat] = line.slice(2).split(' ');
    const format = firstFormat ?? '0';
    media.push(`m=${kind} 9 ${protocol} ${format}`);
    const rtpmap = lines.find((candidate) => candidate.startsWith(`a=rtpmap:${format} `));
    if (rtpmap) media.push(rtpmap);
    media.push('a=inactive');
  }
  return session(host, media.length > 0 ? media : ['m=audio 9 RTP/AVP 0', 'a=inactive']);
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
