// Compiles src/callhook_srtp.c — SRTP's per-packet AES-CM and HMAC-SHA1 on the OpenSSL inside Node — into
// build/callhook_srtp.node (the first step of this package's `build`). It needs a C compiler and the
// headers Node installs beside itself (<prefix>/include/node: node_api.h and Node's own openssl/*.h, so
// the module is compiled against exactly the OpenSSL it will call; Node's official builds and
// NodeSource's packages ship them). The module links no library: Node provides the napi_* and OpenSSL
// symbols when it loads the file. Without a compiler or those headers nothing is built and SRTP uses
// the JavaScript cipher (the same packets, more CPU): this script says so and succeeds. With them, a
// compiler error fails the build. CC chooses the compiler (default cc).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'build', 'callhook_srtp.node');
const source = join(root, 'src', 'callhook_srtp.c');
const nodeInclude = join(dirname(process.execPath), '..', 'include', 'node');
const compiler = process.env.CC || 'cc';

function skip(why) {
  rmSync(output, { force: true });
  rmSync(join(root, 'build', 'callhook_srtp.json'), { force: true });
  console.log(`@callhook/srtp-openssl: not built (${why}); SRTP uses the JavaScript cipher.`);
  process.exit(0);
}

if (spawnSync(compiler, ['--version'], { stdio: 'ignore' }).status !== 0) skip(`no C compiler "${compiler}"`);
for (const header of ['node_api.h', 'openssl/evp.h']) {
  if (!existsSync(join(nodeInclude, header))) skip(`Node's ${header} is not in ${nodeInclude}`);
}

mkdirSync(dirname(output), { recursive: true });
const partial = `${output}.${process.pid}.tmp`;
const args = ['-std=c11', '-O2', '-fPIC', '-shared', '-fvisibility=hidden', '-Wall', '-Wextra', '-Werror', `-I${nodeInclude}`, source, '-o', partial];
const compiled = spawnSync(compiler, args, { stdio: 'inherit' });
if (compiled.status !== 0) {
  rmSync(partial, { force: true });
  console.error(`@callhook/srtp-openssl: ${compiler} ${args.join(' ')} failed`);
  process.exit(1);
}
renameSync(partial, output);
// What the module was compiled against: index.ts refuses it under an OpenSSL of another major version.
writeFileSync(join(root, 'build', 'callhook_srtp.json'), `${JSON.stringify({ node: process.version, openssl: process.versions.openssl })}\n`);
console.log(`@callhook/srtp-openssl: built build/callhook_srtp.node against Node ${process.version}'s OpenSSL ${process.versions.openssl}`);
