/**
 * The only platform globals core relies on: web-standard, pure (no I/O), present in Node 20,
 * browsers and Electron alike. Declared here so core compiles without Node or DOM typings.
 */
declare global {
  class URL {
    constructor(input: string, base?: string);
    readonly hostname: string;
    readonly origin: string;
    readonly protocol: string;
    readonly username: string;
    readonly password: string;
    readonly port: string;
    readonly pathname: string;
    readonly search: string;
    readonly hash: string;
    readonly href: string;
  }

  interface ErrorConstructor {
    /** V8's frame count for stack traces; other engines ignore it. */
    stackTraceLimit: number;
  }

  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
}

export {};
