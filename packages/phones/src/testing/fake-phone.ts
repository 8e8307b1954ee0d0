import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { cryptoRandom } from '@callhook/node';

/** One call as a fake phone keeps it. */
export interface FakeCall {
  id: string;
  direction: 'incoming' | 'outgoing';
  /** The other party's number. */
  number: string;
  display: string;
  state: 'ringing' | 'alerting' | 'connected' | 'held' | 'ended';
  /** How it ended: who and how (`silent-reject` = Snom's CANCEL on a ringing call, no event). */
  end: string | null;
  dtmf: string;
  outgoingUri: string | null;
}

/** What the test scripts for calls placed from the phone (dial command or keypad). */
export type DialScript = (call: FakeCall, phone: FakePhone) => void;

/** Fault knobs on the phone's event URLs. */
export interface EventFaults {
  /** Event names never sent (a setting left empty, or lost). */
  drop: Set<string>;
  /** Every event is sent twice. */
  duplicate: boolean;
  /** Each event is held back and sent after the next one (pairs swapped). */
  reorder: boolean;
}

export interface FakePhoneOptions {
  username?: string;
  password?: string;
  /** `digest`: 401 with a Digest challenge unless an RFC 2617 answer comes (Snom "Authentication Scheme" on). */
  auth?: 'basic' | 'digest';
  /** The phone's identity (`$local`, `$active_user@$active_host`). */
  account?: string;
}

/** A request the phone got, for assertions. */
export interface Logged {
  url: string;
  status: number;
}

const REALM = 'fake-phone';

/**
 * The common part of the loopback fake desk phones: an HTTP server on 127.0.0.1 with Basic or Digest
 * (RFC 2617, MD5, qop=auth) login, a per-call state and the phone's event URLs, fetched with the
 * vendor's variables expanded, in order, with fault knobs (drop, duplicate, reorder). Vendor
 * subclasses answer the remote-control URLs.
 */
export abstract class FakePhone {
  readonly calls = new Map<string, FakeCall>();
  readonly log: Logged[] = [];
  /** Event URL templates by event name (set by provisioning or by the test as an admin would). */
  readonly eventUrls = new Map<string, string>();
  readonly faults: EventFaults = { drop: new Set(), duplicate: false, reorder: false };
  /** Event URLs fetched, expanded, with the status callhook answered. */
  readonly sent: { url: string; status: number | string }[] = [];
  onDial: DialScript = () => undefined;
  /** Called right before each event URL is fetched (the bench notes the time). */
  onSend: (url: string) => void = () => undefined;
  protected readonly username: string;
  protected readonly password: string;
  protected readonly authScheme: 'basic' | 'digest';
  readonly account: string;
  private server: Server | null = null;
  private port = 0;
  private readonly nonces = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private heldBack: string | null = null;
  private nextId = 1;
  private readonly agent = new Agent({ keepAliveTimeout: 1_000 });

  constructor(options: FakePhoneOptions = {}) {
    this.username = options.username ?? 'admin';
    this.password = options.password ?? 'secret';
    this.authScheme = options.auth ?? 'basic';
    this.account = options.account ?? '987@example.com';
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      try {
        this.answer(req, res);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.agent.close();
  }

  /** Resolves once every event queued so far was fetched (or failed). */
  async drained(): Promise<void> {
    await this.chain;
  }

  /** Sets the event URLs as an admin enters them: `entries` from callhook's setup. */
  configure(entries: readonly { setting: string; value: string }[]): void {
    for (const entry of entries) this.eventUrls.set(entry.setting, entry.value);
  }

  // --- the remote side and the user at the phone ---------------------------------------------------

  /** A call comes in from `number`: the phone rings and fires its incoming event. */
  ringIn(number: string, display = ''): FakeCall {
    const call = this.newCall('incoming', number, display, 'ringing');
    this.fire('incoming', call);
    return call;
  }

  /** The remote party answers our outgoing call. */
  remoteAnswer(call: FakeCall): void {
    if (call.state !== 'alerting') return;
    call.state = 'connected';
    this.fire('connected', call);
  }

  /** The remote party hangs up (or cancels a ringing call in). */
  remoteHangup(call: FakeCall): void {
    if (call.state === 'ended') return;
    const ringing = call.state === 'ringing';
    call.state = 'ended';
    call.end = 'remote';
    this.fire(ringing ? 'remote_canceled' : 'disconnected', call);
  }

  /** The user picks up a ringing call at the phone. */
  pickUp(call: FakeCall): void {
    this.userAnswer(call);
  }

  /** The user hangs up at the phone. */
  hangUp(call: FakeCall): void {
    this.userHangup(call);
  }

  /** The user dials on the keypad. */
  keypadDial(number: string): FakeCall {
    const call = this.newCall('outgoing', number, '', 'alerting');
    this.fire('outgoing', call);
    this.onDial(call, this);
    return call;
  }

  /** Calls not ended. */
  active(): FakeCall[] {
    return [...this.calls.values()].filter((c) => c.state !== 'ended');
  }

  /** The call the phone's keys act on: the ringing one, else the connected one, else the newest. */
  focused(): FakeCall | undefined {
    const active = this.active();
    return active.find((c) => c.state === 'ringing') ?? active.find((c) => c.state === 'connected') ?? active.at(-1);
  }

  // --- what vendor subclasses use -----------------------------------------------------------------

  /** Vendor event name → the setting holding its URL. */
  protected abstract settingOf(event: string): string | null;
  /** The vendor's variables for `call`, name without `$` → value. */
  protected abstract variables(call: FakeCall): Record<string, string>;
  /** Answers one authenticated request. */
  protected abstract route(url: URL, rawQuery: string, req: IncomingMessage, res: ServerResponse): void;
  /** Whether the request must carry the login (Grandstream uses a passcode parameter instead). */
  protected needsLogin(_url: URL): boolean {
    return true;
  }
  /** A refusal that comes before the login is checked (Yealink's lockout). */
  protected refuseBeforeLogin(): { status: number; body: string } | null {
    return null;
  }
  /** A failed login (Yealink counts them for its lockout). */
  protected loginFailed(_req: IncomingMessage): void {}

  protected dial(number: string, outgoingUri: string | null): FakeCall {
    const call = this.newCall('outgoing', number, '', 'alerting');
    call.outgoingUri = outgoingUri;
    this.fire('outgoing', call);
    this.onDial(call, this);
    return call;
  }

  protected userAnswer(call: FakeCall): void {
    if (call.state !== 'ringing') return;
    call.state = 'connected';
    this.fire('connected', call);
  }

  protected userHangup(call: FakeCall, event: string | null = 'disconnected'): void {
    if (call.state === 'ended') return;
    call.state = 'ended';
    call.end = event === null ? 'silent-reject' : 'local';
    if (event !== null) this.fire(event, call);
  }

  protected userHold(call: FakeCall, hold: boolean): void {
    if (hold && call.state === 'connected') {
      call.state = 'held';
      this.fire('hold', call);
    } else if (!hold && call.state === 'held') {
      call.state = 'connected';
      this.fire('unhold', call);
    }
  }

  protected send(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  }

  /** Queues the event's URL, expanded, respecting the fault knobs. */
  protected fire(event: string, call: FakeCall): void {
    const setting = this.settingOf(event);
    const template = setting ? this.eventUrls.get(setting) : undefined;
    if (!template || this.faults.drop.has(event)) return;
    const url = this.expand(template, this.variables(call));
    const targets = this.faults.duplicate ? [url, url] : [url];
    for (const target of targets) {
      if (this.faults.reorder) {
        if (this.heldBack === null) {
          this.heldBack = target;
          continue;
        }
        const earlier = this.heldBack;
        this.heldBack = null;
        this.enqueue(target);
        this.enqueue(earlier);
      } else this.enqueue(target);
    }
  }

  /** Sends an event held back by `reorder` (nothing came after it). */
  flushHeldBack(): void {
    if (this.heldBack !== null) this.enqueue(this.heldBack);
    this.heldBack = null;
  }

  private enqueue(url: string): void {
    this.chain = this.chain.then(async () => {
      const full = /^https?:\/\//.test(url) ? url : `http://${url}`;
      this.onSend(full);
      try {
        const answer = await request(full, { method: 'GET', dispatcher: this.agent });
        await answer.body.text();
        this.sent.push({ url: full, status: answer.statusCode });
      } catch (error) {
        this.sent.push({ url: full, status: String(error) });
      }
    });
  }

  private expand(template: string, variables: Record<string, string>): string {
    const names = Object.keys(variables).sort((a, b) => b.length - a.length);
    return template.replace(/\$([A-Za-z_][A-Za-z0-9_-]*)/g, (whole, name: string) => {
      const known = names.find((n) => name.startsWith(n));
      if (!known) return whole;
      return escape(variables[known]!) + name.slice(known.length);
    });
  }

  protected newCall(direction: FakeCall['direction'], number: string, display: string, state: FakeCall['state']): FakeCall {
    const call: FakeCall = { id: this.newCallId(this.nextId++), direction, number, display, state, end: null, dtmf: '', outgoingUri: null };
    this.calls.set(call.id, call);
    return call;
  }

  protected newCallId(n: number): string {
    return String(n);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const rawQuery = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '';
    const reply = (status: number, body = '', headers: Record<string, string> = {}) => {
      this.log.push({ url: req.url ?? '', status });
      this.send(res, status, body, headers);
    };
    const refused = this.refuseBeforeLogin();
    if (refused) return reply(refused.status, refused.body);
    if (this.needsLogin(url) && !this.authorized(req)) {
      this.loginFailed(req);
      const nonceBytes = Buffer.alloc(8);
      cryptoRandom.fill(nonceBytes);
      const nonce = nonceBytes.toString('hex');
      this.nonces.add(nonce);
      const challenge = this.authScheme === 'digest' ? `Digest realm="${REALM}", qop="auth", nonce="${nonce}", algorithm=MD5` : `Basic realm="${REALM}"`;
      return reply(401, 'unauthorized', { 'www-authenticate': challenge });
    }
    const original = res.writeHead.bind(res);
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      this.log.push({ url: req.url ?? '', status });
      return (original as (...args: unknown[]) => ServerResponse)(status, ...rest);
    }) as typeof res.writeHead;
    this.route(url, rawQuery, req, res);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    if (this.authScheme === 'basic') {
      return header === `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    if (!header.startsWith('Digest ')) return false;
    const fields = new Map<string, string>();
    for (const match of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) fields.set(match[1]!, match[2] ?? match[3] ?? '');
    const nonce = fields.get('nonce') ?? '';
    if (!this.nonces.has(nonce) || fields.get('username') !== this.username || fields.get('uri') !== req.url) return false;
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const ha1 = md5(`${this.username}:${REALM}:${this.password}`);
    const ha2 = md5(`${req.method}:${fields.get('uri')}`);
    const expected = md5(`${ha1}:${nonce}:${fields.get('nc')}:${fields.get('cnonce')}:${fields.get('qop')}:${ha2}`);
    return fields.get('response') === expected;
  }
}

/** Phones put variable values into URLs without full escaping: `+`, `@` and `:` stay as they are. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/%2B/g, '+').replace(/%40/g, '@').replace(/%3A/g, ':');
}
