import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCertificate {
  cert: string;
  key: string;
}

/** A throwaway CA made with openssl in a temp dir; `remove()` deletes it. */
export interface TestCa {
  dir: string;
  /** The CA certificate (PEM file). */
  caFile: string;
  /**
   * Issues a certificate for `subjectAltName` (e.g. `IP:127.0.0.1,DNS:pbx.test`), valid from `fromDays` to
   * `toDays` days from now (negative: in the past), for server or client use.
   */
  issue(name: string, subjectAltName: string, options?: { fromDays?: number; toDays?: number; client?: boolean }): IssuedCertificate;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** openssl `ca` dates: YYMMDDHHMMSSZ. */
function caDate(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-test-ca-'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      'copy_extensions = none',
      '[anything]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=callhook test CA',
    '-days',
    '3',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    issue(name, subjectAltName, options = {}) {
      writeFileSync(
        join(dir, `${name}.ext`),
        [`subjectAltName = ${subjectAltName}`, 'basicConstraints = CA:FALSE', `extendedKeyUsage = ${options.client ? 'clientAuth' : 'serverAuth'}`, ''].join(
          '\n',
        ),
      );
      openssl(dir, [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      ]);
      openssl(dir, [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-keyfile',
        'ca.key',
        '-cert',
        'ca.crt',
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.crt`,
        '-notext',
        '-startdate',
        caDate(options.fromDays ?? -1),
        '-enddate',
        caDate(options.toDays ?? 2),
        '-extfile',
        `${name}.ext`,
      ]);
      return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
