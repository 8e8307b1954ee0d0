import type { ExpansionContext } from './expansion-context.js';
import { scan } from './scanner.js';
import { checkUrlStructure, type UrlComponent } from './url-structure.js';

export interface PlaceholderUse {
  name: string;
  base64: boolean;
  component: UrlComponent;
  offset: number;
}

/**
 * A template compiled once (when settings load): literal pieces and value references alternate,
 * so expansion is a single pass of concatenation.
 */
export class CompiledTemplate {
  private constructor(
    readonly source: string,
    private readonly literals: readonly string[],
    private readonly refs: readonly number[],
    private readonly base64: readonly boolean[],
    private readonly inPath: readonly boolean[],
    readonly placeholders: readonly PlaceholderUse[],
  ) {}

  static compile(source: string): CompiledTemplate {
    const tokens = scan(source);
    const components = checkUrlStructure(source, tokens);
    const literals: string[] = [''];
    const refs: number[] = [];
    const base64: boolean[] = [];
    const inPath: boolean[] = [];
    const uses: PlaceholderUse[] = [];
    for (const token of tokens) {
      if (token.type === 'text') {
        literals[literals.length - 1] += token.value;
      } else {
        refs.push(token.index);
        base64.push(token.base64);
        inPath.push(components[uses.length] === 'path');
        uses.push({ name: token.name, base64: token.base64, component: components[uses.length]!, offset: token.offset });
        literals.push('');
      }
    }
    return new CompiledTemplate(source, literals, refs, base64, inPath, uses);
  }

  /**
   * The URL for one call event. `maxValueLength` caps each substituted value (in characters, before
   * encoding; see `capValue`): the slot's `maxValueLength`.
   */
  expand(context: ExpansionContext, maxValueLength = Infinity): string {
    let out = this.literals[0]!;
    for (let i = 0; i < this.refs.length; i++) {
      const value = this.inPath[i]
        ? context.encodedPathValue(this.refs[i]!, this.base64[i]!, maxValueLength)
        : context.encodedValue(this.refs[i]!, this.base64[i]!, maxValueLength);
      out += value + this.literals[i + 1]!;
    }
    return out;
  }
}

/** Compiles an Action URL template (the one way in; `CompiledTemplate.compile` is its implementation). */
export function compileTemplate(source: string): CompiledTemplate {
  return CompiledTemplate.compile(source);
}
