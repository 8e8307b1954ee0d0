import { spawnSync } from 'node:child_process';

/** Fails loudly (never skips) when a real peer is missing. */
export function requirePeer(binary: 'sipp' | 'kamailio' | 'baresip' | 'sox' | 'ffmpeg'): string {
  const found = spawnSync('sh', ['-c', `command -v ${binary} || ls /usr/sbin/${binary} 2>/dev/null`], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')[0];
  if (!found) throw new Error(`${binary} is not installed: run scripts/install-peers.sh (Debian packages sip-tester, kamailio, baresip, sox, ffmpeg)`);
  return found;
}
