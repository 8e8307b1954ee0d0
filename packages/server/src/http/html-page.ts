/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The Content-Security-Policy of every page the listener serves (console, Action URL result pages):
 * scripts and connections only from the listener itself, no inline script, no framing.
 */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface HtmlPage {
  title: string;
  /** The page body, already escaped HTML. */
  body: string;
}

/** A small self-contained HTML document (inline styles only, no script), for the CSP above. */
export function renderHtmlPage({ title, body }: HtmlPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · callhook</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1d2430}h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#5b6472}.bad{color:#a4161a}.good{color:#176d2c}code{word-break:break-all}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
