import { ExpectedError } from '@callhook/core';

/**
 * What was wrong with a CSTA body:
 * - `malformed_xml`: not well-formed XML (or several roots, a DTD, too large);
 * - `unknown_namespace`: the root is not in an ECMA-323 ed3/ed4/ed5 namespace;
 * - `unknown_message`: a root element this codec does not read;
 * - `missing_element`: a mandatory element is absent;
 * - `bad_value`: an element is repeated, empty, too long or outside its ECMA-323 value set.
 */
export type CstaXmlErrorCode = 'malformed_xml' | 'unknown_namespace' | 'unknown_message' | 'missing_element' | 'bad_value';

/**
 * A CSTA body that cannot be read or written. `element` is the path of the element at fault
 * (`DeliveredEvent/connection/callID`), so a log line points at the offending part. Stackless (core's
 * ExpectedError): a phone sending garbage must not cost a stack capture per message.
 */
export class CstaXmlError extends ExpectedError {
  constructor(
    readonly code: CstaXmlErrorCode,
    readonly element: string,
    message: string,
  ) {
    super(`${element}: ${message}`);
    this.name = 'CstaXmlError';
  }
}
