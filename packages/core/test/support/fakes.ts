import type { BrowserOpener, FetchRequest, FetchResponse, Fetcher, Random } from '../../src/index.js';

/** Deterministic bytes: a counter, so GUIDs differ but tests are repeatable. */
export class CountingRandom implements Random {
  private n = 0;
  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) bytes[i] = (this.n++ * 37 + 11) & 0xff;
  }
}

type Responder = (request: FetchRequest) => Promise<FetchResponse>;

/** Records requests; answers with whatever the test's responder says (default: 200 at once). */
export class RecordingFetcher implements Fetcher {
  readonly requests: FetchRequest[] = [];
  constructor(public respond: Responder = async () => ({ status: 200 })) {}
  fetch(request: FetchRequest): Promise<FetchResponse> {
    this.requests.push(request);
    return this.respond(request);
  }
  urls(): string[] {
    return this.requests.map((r) => r.url);
  }
}

/** A response that never comes unless the request is cancelled. */
export function hang(request: FetchRequest): Promise<FetchResponse> {
  return new Promise((_, reject) => request.cancellation.onCancel(reject));
}

export class RecordingBrowser implements BrowserOpener {
  readonly opened: string[] = [];
  async open(url: string): Promise<void> {
    this.opened.push(url);
  }
}
