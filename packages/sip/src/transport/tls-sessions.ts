import type { SecureContext } from 'node:tls';

/** Sessions kept per trust context: a handful of PBXs at most, the oldest let go beyond that. */
const SESSIONS_PER_CONTEXT = 16;

/**
 * TLS sessions to resume (RFC 8446 §2.2 tickets; RFC 5077 for TLS 1.2) when a line connects to the same
 * PBX again — a reconnection after the connection dropped, or another line of this process: a resumed
 * handshake skips the server's certificate, its signature and our checks of it. A session is kept only
 * from a connection whose certificate passed `verifyServerCertificate`, and only for the same trust
 * material (its SecureContext), server name, address and port: a line with another CA file or server
 * name never resumes a session it did not verify itself. Process-wide, in memory.
 */
const kept = new WeakMap<SecureContext, Map<string, Buffer>>();

/** The key of one server under one trust context: the name checked against its certificate and where it is. */
export function tlsSessionKey(serverName: string, address: string, port: number): string {
  return `${serverName}|${address}|${port}`;
}

/** The session to offer when connecting to `key` under `context`, if one was kept. */
export function resumableSession(context: SecureContext, key: string): Buffer | undefined {
  return kept.get(context)?.get(key);
}

/** Keeps `session` (from a verified connection) for the next connection to `key` under `context`. */
export function keepSession(context: SecureContext, key: string, session: Buffer): void {
  let sessions = kept.get(context);
  if (!sessions) kept.set(context, (sessions = new Map()));
  sessions.delete(key);
  sessions.set(key, session);
  if (sessions.size > SESSIONS_PER_CONTEXT) sessions.delete(sessions.keys().next().value!);
}

/** Forgets the session of `key` (its connection failed or was refused). */
export function forgetSession(context: SecureContext, key: string): void {
  kept.get(context)?.delete(key);
}
