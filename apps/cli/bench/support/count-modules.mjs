// Preloaded with `node --import <this file>` by bench/cold-start.ts (workers run it too, their
// execArgv being the process's): appends the path of every file the process loads, in every thread,
// one per line, to the file named by CALLHOOK_BENCH_MODULES: ES modules through a module `load` hook,
// CommonJS files, JSON and native addons where the CommonJS loader reads them (require() in Node 20
// never reaches the module hooks), and the bundle's CommonJS files that dist/main.js compiles itself
// through V8's code cache (a `vm.Script` with a file name: src/code-cache.ts).
import { appendFileSync } from 'node:fs';
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import vm from 'node:vm';

const out = process.env.CALLHOOK_BENCH_MODULES;
if (out) {
  register(new URL('./count-modules-hooks.mjs', import.meta.url));
  const Module = createRequire(import.meta.url)('node:module');
  for (const extension of ['.js', '.json', '.node']) {
    const original = Module._extensions[extension];
    Module._extensions[extension] = function (mod, filename) {
      appendFileSync(out, `file://${filename}\n`);
      return original.call(this, mod, filename);
    };
  }
  const Script = vm.Script;
  vm.Script = class extends Script {
    constructor(code, options) {
      if (typeof options?.filename === 'string' && options.filename.startsWith('/')) appendFileSync(out, `file://${options.filename}\n`);
      super(code, options);
    }
  };
  // `import { Script } from 'node:vm'` in modules loaded later sees this one.
  syncBuiltinESMExports();
}
