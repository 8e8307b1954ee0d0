import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CstaXmlError } from './csta-xml-error.js';

/** An XML local name (XML 1.0 §2.3 Name, ASCII subset: CSTA element names are ASCII). */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The largest CSTA body read (a snapshot of a busy phone stays far below; a SIP message is at most 64 KiB). */
export const MAX_CSTA_BODY_BYTES = 32 * 1024;
/** The longest text an element may carry (device ids, call ids, causes, digits). */
const MAX_TEXT_LENGTH = 256;

type RawNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The part of a qualified name after its prefix (`csta:callID` → `callID`). */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * One element of a parsed CSTA body, read by local name (prefixes dropped, as ECMA-323 documents
 * may use a default namespace or a prefix). Every getter checks what it reads and throws a
 * CstaXmlError naming the element's path.
 */
export class XmlElement {
  private constructor(
    readonly name: string,
    readonly path: string,
    private readonly node: RawNode | string,
    /** The namespace declared for this element's prefix (roots only). */
    readonly namespace: string | undefined,
  ) {}

  /**
   * Parses `xml`, which must be one well-formed element without a DTD (ECMA-323 bodies never carry
   * one; refusing it keeps entity expansion out).
   */
  static parse(xml: string): XmlElement {
    if (Buffer.byteLength(xml) > MAX_CSTA_BODY_BYTES) throw new CstaXmlError('malformed_xml', '(body)', `larger than ${MAX_CSTA_BODY_BYTES} bytes`);
    if (xml.includes('<!DOCTYPE') || xml.includes('<!ENTITY')) throw new CstaXmlError('malformed_xml', '(body)', 'a DTD is not allowed in a CSTA body');
    const valid = XMLValidator.validate(xml);
    if (valid !== true) throw new CstaXmlError('malformed_xml', '(body)', `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
    let document: RawNode;
    try {
      document = parser.parse(xml) as RawNode;
    } catch (error) {
      throw new CstaXmlError('malformed_xml', '(body)', `not readable XML: ${(error as Error).message}`);
    }
    const roots = Object.entries(document);
    const [first] = roots;
    if (roots.length !== 1 || !first || !Array.isArray(first[1]) || first[1].length !== 1)
      throw new CstaXmlError('malformed_xml', '(body)', 'a CSTA body must have exactly one root element');
    const [qualified, [content]] = first as [string, unknown[]];
    const colon = qualified.indexOf(':');
    const prefixAttribute = colon === -1 ? '@_xmlns' : `@_xmlns:${qualified.slice(0, colon)}`;
    const node = (typeof content === 'object' && content !== null ? content : String(content)) as RawNode | string;
    const declared = typeof node === 'object' ? node[prefixAttribute] : undefined;
    const name = localName(qualified);
    // fast-xml-parser's validator lets some broken prologs through (e.g. `<?>< xml …?>`) and the parser
    // then yields a root without a name: refuse it here, so every error names its element.
    if (!XML_NAME.test(name)) throw new CstaXmlError('malformed_xml', '(body)', `the root element has no valid name ("${name.slice(0, 40)}")`);
    return new XmlElement(name, name, node, typeof declared === 'string' ? declared : undefined);
  }

  /** The child elements called `name` (any prefix), in document order. */
  children(name: string): XmlElement[] {
    if (typeof this.node !== 'object') return [];
    const found: XmlElement[] = [];
    for (const [key, value] of Object.entries(this.node)) {
      if (key.startsWith('@_') || key === '#text' || localName(key) !== name || !Array.isArray(value)) continue;
      for (const item of value) {
        const node = (typeof item === 'object' && item !== null ? item : String(item)) as RawNode | string;
        found.push(new XmlElement(name, `${this.path}/${name}`, node, undefined));
      }
    }
    return found;
  }

  /** Names of all child elements (local names, each once). */
  childNames(): string[] {
    if (typeof this.node !== 'object') return [];
    return [...new Set(Object.keys(this.node).filter((key) => !key.startsWith('@_') && key !== '#text'))].map(localName);
  }

  /** The single child `name`, or undefined when absent; throws when it is repeated. */
  optionalChild(name: string): XmlElement | undefined {
    const found = this.children(name);
    if (found.length > 1) throw new CstaXmlError('bad_value', `${this.path}/${name}`, 'appears more than once');
    return found[0];
  }

  /** The single child `name`; throws when absent or repeated. */
  child(name: string): XmlElement {
    return this.optionalChild(name) ?? missing(`${this.path}/${name}`);
  }

  /** Whether the element has child elements. */
  get hasChildren(): boolean {
    return this.childNames().length > 0;
  }

  /** The element's text (trimmed), which must be a leaf; empty for `<x/>`. */
  text(): string {
    if (typeof this.node === 'string') return checkText(this.node, this.path);
    if (this.hasChildren) throw new CstaXmlError('bad_value', this.path, 'expected text, found child elements');
    const text = this.node['#text'];
    return checkText(typeof text === 'string' ? text : '', this.path);
  }

  /** The non-empty text of the single child `name`; throws when absent, repeated or empty. */
  requiredText(name: string): string {
    const text = this.child(name).text();
    if (text === '') throw new CstaXmlError('bad_value', `${this.path}/${name}`, 'is empty');
    return text;
  }

  /** The text of the single child `name`, undefined when absent. */
  optionalText(name: string): string | undefined {
    return this.optionalChild(name)?.text();
  }
}

function missing(path: string): never {
  throw new CstaXmlError('missing_element', path, 'is missing');
}

/** Text must be short and free of control characters (it ends up in logs and call records). */
function checkText(text: string, path: string): string {
  if (text.length > MAX_TEXT_LENGTH) throw new CstaXmlError('bad_value', path, `longer than ${MAX_TEXT_LENGTH} characters`);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) throw new CstaXmlError('bad_value', path, 'contains a control character');
  }
  return text;
}
