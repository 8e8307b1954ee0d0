// A floor for bench/signalling-cpu.bench.ts, not a SIP implementation: the least a Node process must do
// per call of that bench's exchange (sipp's built-in uac: INVITE → 200 OK → ACK, BYE → 200 OK, UDP) with
// the line's own media code — one UDP socket, header lines split once, SDP through sdp-transform
// (parseRemoteAudio) and buildSdp, codecs through negotiate.ts, RTP through RtpStream with the line's
// socket pool (20 ms silence from the answer, RTCP report at the end) — and nothing else: no transaction
// layer, no retransmission timers, no Via/route checks, no 100 Trying, no overload admission, no events
// but `answered`/`ended`. So `SIGCPU_BUILDS=line=dist/index.js,floor=bench/support/floor-uas.ts` shows in
// the same run how far below the line a hand-rolled UAS path could go at best (README, "Signalling CPU").
// SIGCPU_FLOOR_MEDIA=0 leaves the media out too (an SDP answer naming a port nobody reads, no RTP): the floor of
// the SIP exchange alone in Node. The media and SDP code is imported from dist/ (build first), as the line's is
// in the bench: taken from src/ through tsx it carried esbuild's keepNames wrappers (`__name`, seen in the
// profile). It exports the two names signalling-child.ts uses: createSipLine and SipLineSchema.
import { createSocket, type RemoteInfo } from 'node:dgram';
import { silentLogger } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import type * as RtpStreamSource from '../../src/rtp/rtp-stream.js';
import type * as SocketPoolSource from '../../src/rtp/socket-pool.js';
import type * as NegotiateSource from '../../src/sdp/negotiate.js';
import type * as SdpBuildSource from '../../src/sdp/sdp-build.js';
import type * as SdpParseSource from '../../src/sdp/sdp-parse.js';

type RtpPlan = RtpStreamSource.RtpPlan;
type RtpStream = RtpStreamSource.RtpStream;

/**
 * A module of this package's build (dist/, made by `pnpm build`), typed as its source: loaded by a path
 * the type checker does not follow, so `tsc --noEmit` passes before anything is built.
 */
const fromDist = async <T>(path: string): Promise<T> => (await import(new URL(`../../dist/${path}`, import.meta.url).href)) as T;
const { RtpStream } = await fromDist<typeof RtpStreamSource>('rtp/rtp-stream.js');
const { RtpSocketPool } = await fromDist<typeof SocketPoolSource>('rtp/socket-pool.js');
const { chosenVoiceCodec, answerCodecs, receivableCodecs, telephoneEventType } = await fromDist<typeof NegotiateSource>('sdp/negotiate.js');
const { buildSdp } = await fromDist<typeof SdpBuildSource>('sdp/sdp-build.js');
const { parseRemoteAudio } = await fromDist<typeof SdpParseSource>('sdp/sdp-parse.js');

type FloorEvent = { type: 'answered' | 'ended' };

interface FloorCall {
  stream: Promise<RtpStream | undefined>;
  ok: string;
}

const ADDRESS = '127.0.0.1';
const MEDIA = process.env.SIGCPU_FLOOR_MEDIA !== '0';

/** The settings signalling-child.ts passes, unchecked. */
export const SipLineSchema = { parse: <T>(settings: T): T => settings };

/** The floor UAS: answers every INVITE at once (see the header). */
export function createSipLine(): {
  localAddress: { port: number } | undefined;
  onEvent(listener: (event: FloorEvent) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
} {
  const socket = createSocket('udp4');
  const pool = new RtpSocketPool(ADDRESS);
  const calls = new Map<string, FloorCall>();
  const listeners: ((event: FloorEvent) => void)[] = [];
  let port = 0;
  let tags = 0;
  const emit = (event: FloorEvent) => listeners.forEach((listener) => listener(event));

  function headers(message: string): { start: string; fields: Map<string, string[]>; body: string } {
    const split = message.indexOf('\r\n\r\n');
    const lines = message.slice(0, split).split('\r\n');
    const fields = new Map<string, string[]>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const values = fields.get(name) ?? fields.set(name, []).get(name)!;
      values.push(line.slice(colon + 1).trim());
    }
    return { start: lines[0]!, fields, body: message.slice(split + 4) };
  }

  function response(status: string, fields: Map<string, string[]>, toTag: string, body = ''): string {
    const lines = [`SIP/2.0 ${status}`];
    for (const via of fields.get('via') ?? []) lines.push(`Via: ${via}`);
    const to = fields.get('to')?.[0] ?? '';
    lines.push(`From: ${fields.get('from')?.[0]}`, `To: ${to.includes(';tag=') ? to : `${to};tag=${toTag}`}`);
    lines.push(`Call-ID: ${fields.get('call-id')?.[0]}`, `CSeq: ${fields.get('cseq')?.[0]}`, `Contact: <sip:303@${ADDRESS}:${port}>`);
    if (body) lines.push('Content-Type: application/sdp');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    return lines.join('\r\n');
  }

  function onMessage(data: Buffer, from: RemoteInfo): void {
    const { start, fields, body } = headers(data.toString('latin1'));
    const callId = fields.get('call-id')?.[0] ?? '';
    const send = (text: string) => socket.send(text, from.port, from.address);
    if (start.startsWith('INVITE ')) {
      const known = calls.get(callId);
      if (known) return send(known.ok);
      const remote = parseRemoteAudio(body);
      if (!MEDIA) {
        const sdp = buildSdp({ sessionId: 1, version: 1, address: ADDRESS, port: 9, codecs: answerCodecs(remote), direction: 'sendrecv' });
        calls.set(callId, { stream: Promise.resolve(undefined), ok: response('200 OK', fields, `t${++tags}`, sdp) });
        send(calls.get(callId)!.ok);
        emit({ type: 'answered' });
        return;
      }
      const stream = RtpStream.open(ADDRESS, systemClock, silentLogger, cryptoRandom, undefined, pool);
      const call: FloorCall = { stream, ok: '' };
      calls.set(callId, call);
      void stream.then((rtp) => {
        const plan: RtpPlan = {
          address: remote.address,
          port: remote.port,
          codec: chosenVoiceCodec(remote) as RtpPlan['codec'],
          receive: receivableCodecs(remote),
          eventPayloadType: telephoneEventType(remote),
          ptimeMs: 20,
          sending: true,
          rtcp: remote.rtcpMux ? 'mux' : { address: remote.rtcpAddress, port: remote.rtcpPort },
        };
        rtp.configure(plan);
        rtp.startClock();
        const sdp = buildSdp({ sessionId: 1, version: 1, address: ADDRESS, port: rtp.port, codecs: answerCodecs(remote), direction: 'sendrecv' });
        call.ok = response('200 OK', fields, `t${++tags}`, sdp);
        send(call.ok);
        emit({ type: 'answered' });
      });
    } else if (start.startsWith('ACK ')) {
      void calls.get(callId)?.stream.then((rtp) => rtp?.confirm());
    } else if (start.startsWith('BYE ')) {
      const call = calls.get(callId);
      send(response('200 OK', fields, 'x'));
      if (!call) return;
      calls.delete(callId);
      void call.stream.then((rtp) => {
        rtp?.close();
        emit({ type: 'ended' });
      });
    }
  }

  const line = {
    localAddress: undefined as { port: number } | undefined,
    onEvent: (listener: (event: FloorEvent) => void) => void listeners.push(listener),
    start: () =>
      new Promise<void>((resolve) => {
        socket.on('message', onMessage);
        socket.bind(0, ADDRESS, () => {
          port = socket.address().port;
          line.localAddress = { port };
          resolve();
        });
      }),
    stop: async () => {
      for (const call of calls.values()) (await call.stream)?.close();
      pool.close();
      socket.close();
    },
  };
  return line;
}
