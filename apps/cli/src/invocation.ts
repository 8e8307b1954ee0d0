import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This build's entry point (`dist/main.js`). */
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function realpath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * How a user in `cwd` runs this very build of callhook, for the commands the banner prints to work
 * verbatim: `callhook` when that name on the PATH is this build (an installed package, a link), else
 * the checkout's `./callhook` wrapper relative to `cwd` when it exists, else `node <main.js>`.
 */
export function cliInvocation(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), main = MAIN): string {
  const self = realpath(main);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = realpath(join(dir, 'callhook'));
    if (candidate !== null && (candidate === self || isWrapperOf(candidate, self))) return 'callhook';
  }
  const wrapper = resolve(dirname(main), '..', '..', '..', 'callhook');
  if (existsSync(wrapper) && isWrapperOf(wrapper, self)) {
    const path = relative(cwd, wrapper);
    return path.startsWith('..') || path.startsWith(sep) ? wrapper : `.${sep}${path}`;
  }
  return `node ${main}`;
}

/** The checkout's wrapper script sits at the repository root, three levels above `apps/cli/dist/main.js`. */
function isWrapperOf(wrapper: string, main: string | null): boolean {
  return main !== null && resolve(dirname(main), '..', '..', '..', 'callhook') === wrapper;
}
