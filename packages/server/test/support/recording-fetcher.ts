import type { FetchRequest, FetchResponse, Fetcher } from '@callhook/core';

/** A Fetcher that records requests and answers 200 (or what `respond` says). */
export class RecordingFetcher implements Fetcher {
  readonly requests: FetchRequest[] = [];
  respond: (request: FetchRequest) => Promise<FetchResponse> = async () => ({ status: 200 });

  fetch(request: FetchRequest): Promise<FetchResponse> {
    this.requests.push(request);
    return this.respond(request);
  }
}
