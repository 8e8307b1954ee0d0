import { type CallSnapshot, type InboundCommand } from '@callhook/core';
import { escapeHtml, renderHtmlPage } from './html-page.js';

/** What an inbound Action URL did, for a person who followed it in a browser. */
export type ActionOutcome =
  { ok: true; action: InboundCommand['action']; call: CallSnapshot | null } | { ok: false; status: number; code: string; message: string };

const VERBS: Record<InboundCommand['action'], string> = {
  make_call: 'Calling',
  answer: 'Answered',
  hangup: 'Hung up',
  hold: 'Put on hold',
  unhold: 'Taken off hold',
  transfer: 'Transferred',
  dtmf: 'Sent tones on',
};

function callList(call: CallSnapshot): string {
  const rows: [string, string][] = [
    ['Number', call.remoteParty],
    ['Name', call.remoteAlias],
    ['Direction', call.direction === 'inbound' ? 'incoming' : 'outgoing'],
    ['State', call.state],
    ['Line', call.lineId],
    ['Call id', call.guid],
  ];
  return `<dl>${rows
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `<dt>${name}</dt><dd><code>${escapeHtml(value)}</code></dd>`)
    .join('')}</dl>`;
}

/**
 * The small page a browser navigation to an inbound Action URL gets instead of a blank 204 or raw
 * JSON: what happened, the call, and a link to the console. Programs keep the JSON answers.
 */
export function actionResultPage(outcome: ActionOutcome): string {
  const console = '<p><a href="/console/">Open the callhook console</a> to see every call and delivery.</p>';
  if (!outcome.ok) {
    return renderHtmlPage({
      title: 'Not done',
      body: `<h1 class="bad">Not done</h1><p>${escapeHtml(outcome.message)}</p><p>Code <code>${escapeHtml(outcome.code)}</code>, HTTP ${outcome.status}.</p>${console}`,
    });
  }
  const { action, call } = outcome;
  const who = call ? call.remoteParty : '';
  const headline = `${VERBS[action]}${who ? ` ${who}` : ' the call'}`;
  return renderHtmlPage({
    title: headline,
    body: `<h1 class="good">${escapeHtml(headline)}</h1><p>The action <code>${escapeHtml(action)}</code> was carried out.</p>${call ? callList(call) : '<p>No call is involved.</p>'}${console}`,
  });
}
