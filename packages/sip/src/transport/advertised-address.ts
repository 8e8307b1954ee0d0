import { networkInterfaces } from 'node:os';

/**
 * The address to write into Via, Contact and SDP. A wildcard bind (0.0.0.0, ::) cannot be written
 * there, so it becomes the first external interface address of the same family (else loopback).
 */
export function advertisedAddress(bindAddress: string): string {
  const wildcard = bindAddress === '0.0.0.0' || bindAddress === '::';
  if (!wildcard) return bindAddress;
  const family = bindAddress === '::' ? 'IPv6' : 'IPv4';
  const candidates = Object.values(networkInterfaces()).flat();
  const external = candidates.find((info) => info && info.family === family && !info.internal && !info.address.startsWith('fe80'));
  return external?.address ?? (family === 'IPv6' ? '::1' : '127.0.0.1');
}
