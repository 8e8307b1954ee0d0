import type { LineStatus, Logger } from '@callhook/core';
import { Registerer, RegistererState, type URI, type UserAgent } from 'sip.js';
import { isLocalResponse } from './end-cause.js';

export interface RegistrationOptions {
  registrar: URI;
  registrarText: string;
  expires: number;
  logger: Logger;
  onStatus: (status: LineStatus) => void;
}

const UNREGISTER_TIMEOUT_MS = 3_000;

/** REGISTER with digest through sip.js's Registerer (which refreshes before expiry), as line statuses. */
export class Registration {
  private readonly registerer: Registerer;
  private stopping = false;
  private failed = false;

  constructor(
    userAgent: UserAgent,
    private readonly options: RegistrationOptions,
  ) {
    this.registerer = new Registerer(userAgent, { registrar: options.registrar, expires: options.expires, refreshFrequency: 90 });
    this.registerer.stateChange.addListener((state) => this.onState(state));
  }

  async start(): Promise<void> {
    this.options.onStatus({ state: 'registering', detail: `registering at ${this.options.registrarText}` });
    await this.registerer.register({
      requestDelegate: {
        onReject: (response) => {
          this.failed = true;
          const { statusCode, reasonPhrase } = response.message;
          const where = this.options.registrarText;
          let detail = `${statusCode} from registrar (${reasonPhrase})`;
          if (isLocalResponse(response.message)) detail = statusCode === 408 ? `no response from registrar ${where}` : `cannot reach registrar ${where}`;
          this.options.onStatus({ state: 'failed', detail });
        },
      },
    });
  }

  /** Unregisters, bounded in time: a dead registrar must not hold up shutdown. */
  async stop(): Promise<boolean> {
    this.stopping = true;
    if (this.registerer.state !== RegistererState.Registered) {
      await this.registerer.dispose().catch(() => undefined);
      return false;
    }
    const done = new Promise<boolean>((resolve) => {
      this.registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Unregistered) resolve(true);
      });
    });
    const unregistered = await Promise.race([
      this.registerer.unregister().then(() => done),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), UNREGISTER_TIMEOUT_MS).unref()),
    ]).catch(() => false);
    await this.registerer.dispose().catch(() => undefined);
    return unregistered;
  }

  private onState(state: RegistererState): void {
    if (this.stopping) return;
    if (state === RegistererState.Registered) {
      this.failed = false;
      this.options.onStatus({ state: 'ready', detail: `registered at ${this.options.registrarText}` });
    } else if (state === RegistererState.Unregistered) {
      // sip.js leaves Registered before it calls onReject: let a rejection speak first.
      queueMicrotask(() => {
        if (!this.failed && !this.stopping) this.options.onStatus({ state: 'unregistered', detail: `registration at ${this.options.registrarText} lapsed` });
      });
    }
  }
}
