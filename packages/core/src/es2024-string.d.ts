/** ES2024 string methods that Node 20, current browsers and Electron have; not in the ES2023 lib. */
declare global {
  interface String {
    /** Replaces lone surrogates with U+FFFD. */
    toWellFormed(): string;
    isWellFormed(): boolean;
  }
}

export {};
