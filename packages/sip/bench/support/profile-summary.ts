/**
 * Self time of a V8 CPU profile (the `Profiler.stop` result, or a `.cpuprofile` file) by function and by
 * package, in ms per call: what bench/signalling-cpu.bench.ts prints to say where a call's CPU goes.
 * Sampled main-thread time only (V8's `(garbage collector)` is its own row; GC helper threads are not in
 * it); `(idle)` is left out of every figure.
 */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  /** µs since the previous sample, one per sample. */
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  /** Self time in ms per call. */
  msPerCall: number;
  /** Share of the profile's busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  /** Busy (non-idle) sampled ms per call. */
  busyMsPerCall: number;
  byFunction: ProfileRow[];
  byPackage: ProfileRow[];
}

/** Where a script URL comes from: an npm package, a workspace package folder, a Node built-in or V8. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'V8 builtins';
  if (url.startsWith('node:')) {
    const path = url.slice('node:'.length).replace(/^internal\//, '');
    return `node:${path.split('/')[0]!}`;
  }
  const pnpm = /\/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm) return pnpm[1]!;
  const npm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm && !npm[1]!.startsWith('.')) return npm[1]!;
  const workspace = /\/packages\/([^/]+)\/(?:dist|src|node_modules\/\.[^/]+)\/(?:([^/]+)\/)?/.exec(url);
  if (workspace) return `@callhook/${workspace[1]}${workspace[2] && !workspace[2].includes('.') ? `/${workspace[2]}` : ''}`;
  return url.replace(/^file:\/\//, '');
}

/** Summarises `profile` over `calls` calls; `top` rows of each table, largest first. */
export function summarizeProfile(profile: CpuProfile, calls: number, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    busyUs += us;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules|packages)\//, '')}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const rows = (totals: Map<string, number>) =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, msPerCall: us / 1000 / calls, share: us / busyUs }));
  return { busyMsPerCall: busyUs / 1000 / calls, byFunction: rows(functions), byPackage: rows(packages) };
}

/** The summary as printable lines. */
export function formatSummary(title: string, summary: ProfileSummary): string {
  const table = (rows: ProfileRow[]) =>
    rows.map((row) => `  ${(row.msPerCall * 1000).toFixed(0).padStart(6)} µs  ${(row.share * 100).toFixed(1).padStart(5)} %  ${row.name}`).join('\n');
  return [
    `${title}: sampled busy time ${summary.busyMsPerCall.toFixed(3)} ms per call`,
    'self time by package (µs per call, share of busy):',
    table(summary.byPackage),
    'self time by function:',
    table(summary.byFunction),
  ].join('\n');
}
