import { describe, expect, it } from 'vitest';
import { compileTemplate, expansionContext } from '../../src/index.js';
import { SPEC_EXAMPLE_CALL, SPEC_EXAMPLE_OUTPUT, specExampleTemplate, UTC_PLUS_ONE } from '../support/spec-example.js';

const context = () => expansionContext({ action: 'inbound', call: SPEC_EXAMPLE_CALL, at: Date.parse(SPEC_EXAMPLE_CALL.createdAt) }, UTC_PLUS_ONE);

describe('the spec\'s "Example of an output" as a test vector', () => {
  const plain = new URL(compileTemplate(specExampleTemplate('plain')).expand(context()));
  const base64 = new URL(compileTemplate(specExampleTemplate('base64')).expand(context()));

  it.each(SPEC_EXAMPLE_OUTPUT)('%s (<$%s>) renders %s', (field, _placeholder, value) => {
    expect(plain.searchParams.get(field)).toBe(value);
  });

  it.each(SPEC_EXAMPLE_OUTPUT)('%s decodes from base64 to the same value', (field, _placeholder, value) => {
    const encoded = base64.searchParams.get(field)!;
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(value);
  });

  it('renders <$call_direction_as_int> as 0 for inbound', () => {
    expect(plain.searchParams.get('direction_int')).toBe('0');
  });

  it('keeps scheme, host, port and path', () => {
    expect(plain.origin).toBe('http://127.0.0.1:9000');
    expect(plain.pathname).toBe('/callhook.php');
  });
});
