import { compileTemplate, DEFAULT_MAX_VALUE_LENGTH, expansionContext, TemplateError, type Action } from '@callhook/core';
import { sampleCallFor, sampleEventTime } from './sample-call.js';

export type TemplatePreview = { kind: 'empty' } | { kind: 'ok'; url: string } | { kind: 'error'; reason: string; offset: number; excerpt: string };

const UTC: (epochMs: number) => number = () => 0;

/** Compiles a slot URL as core does when settings load, and expands it against the sample call. */
export function previewTemplate(url: string, action: Action, maxValueLength = DEFAULT_MAX_VALUE_LENGTH): TemplatePreview {
  if (url.trim() === '') return { kind: 'empty' };
  try {
    const template = compileTemplate(url);
    const context = expansionContext({ action, call: sampleCallFor(action), at: sampleEventTime(action) }, UTC);
    return { kind: 'ok', url: template.expand(context, maxValueLength) };
  } catch (error) {
    if (error instanceof TemplateError) return { kind: 'error', reason: error.reason, offset: error.offset, excerpt: error.excerpt };
    throw error;
  }
}
