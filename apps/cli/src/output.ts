/** How the CLI prints: JSON when asked, colours only on a TTY without NO_COLOR. */
export interface Output {
  json: boolean;
  color: boolean;
  /** A result: the JSON value with --json, otherwise the text. */
  result(value: unknown, text: string): void;
  info(text: string): void;
  paint(style: Style, text: string): string;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const SGR: Record<Style, [number, number]> = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] };

export function createOutput(options: { json: boolean; color?: boolean }): Output {
  const color = options.color ?? (!process.env.NO_COLOR && process.stdout.isTTY === true && !options.json);
  const paint = (style: Style, text: string) => (color ? `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : text);
  return {
    json: options.json,
    color,
    paint,
    result(value, text) {
      process.stdout.write(options.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
    },
    info(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}
