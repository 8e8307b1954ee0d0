import { CallhookError } from '../errors.js';
import type { LineEntry } from '../line/line-plugin.js';
import type { LineStatus } from '../line/line-events.js';
import type { Line } from '../ports.js';

/** A line's id, its plugin type and its status, as `GET /api/v1/lines` and `/healthz` list them. */
export interface LineReport {
  id: string;
  type: string;
  status: LineStatus;
}

/** The lines of one engine by id, in the order of the settings (the first is `make_call`'s default). */
export class LineSet {
  private readonly byId = new Map<string, Line>();

  constructor(entries: readonly LineEntry[] = []) {
    for (const { id, line } of entries) this.add(id, line);
  }

  add(id: string, line: Line): void {
    if (this.byId.has(id)) throw new CallhookError('invalid_settings', `line id "${id}" is used twice; give each line its own id`, { field: 'lines' });
    this.byId.set(id, line);
  }

  /** Puts `line` in the place of line `id` (same position); `no_such_line` when there is none. */
  replace(id: string, line: Line): Line {
    const old = this.require(id);
    this.byId.set(id, line);
    return old;
  }

  remove(id: string): Line | undefined {
    const line = this.byId.get(id);
    this.byId.delete(id);
    return line;
  }

  get(id: string): Line | undefined {
    return this.byId.get(id);
  }

  /** The line `id`; `no_such_line` listing the lines there are when there is none. */
  require(id: string): Line {
    const line = this.byId.get(id);
    if (!line) throw new CallhookError('no_such_line', `no line "${id}"; lines: ${this.ids().join(', ') || '(none)'}`, { line: id, lines: this.ids() });
    return line;
  }

  /** The first line (`make_call` without `line=`); `no_such_line` when there is none. */
  first(): LineEntry {
    const [entry] = this.byId.entries();
    if (!entry) throw new CallhookError('no_such_line', 'this engine has no line; add one to "lines"');
    return { id: entry[0], line: entry[1] };
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  entries(): LineEntry[] {
    return [...this.byId].map(([id, line]) => ({ id, line }));
  }

  get size(): number {
    return this.byId.size;
  }

  reports(): LineReport[] {
    return this.entries().map(({ id, line }) => ({ id, type: line.kind, status: line.status() }));
  }
}
