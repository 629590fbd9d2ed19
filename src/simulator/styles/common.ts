import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random characters for ids; `crypto` so ids never repeat by accident. */
export function randomId(length: number, alphabet = ALPHANUMERIC): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export const uuid = (): string => randomUUID();

/** One header value, whatever Node made of it. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of `Authorization: Bearer <token>`. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '');
  return match?.[1]?.trim();
}

/** Text of a message content: a string, or an array of `{type:'text', text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : '')).join('');
}

/** The last user message and the system text from a `messages` array (OpenAI, Cohere, Ollama). */
export function readMessages(body: unknown): { model: string; system: string; user: string; stream: boolean } | string {
  if (!body || typeof body !== 'object') return 'request body must be a JSON object';
  const { model, messages, stream } = body as { model?: unknown; messages?: unknown; stream?: unknown };
  if (typeof model !== 'string' || model === '') return 'model is required';
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array';
  let system = '';
  let user = '';
  for (const message of messages) {
    if (!message || typeof message !== 'object') return 'each message must be an object';
    const { role, content } = message as { role?: unknown; content?: unknown };
    if (role === 'system') system += contentText(content);
    else if (role === 'user') user = contentText(content);
  }
  if (user === '') return 'a user message is required';
  return { model, system, user, stream: stream === true };
}

/** One server-sent event as the wire carries it. */
export const sse = (data: unknown, event?: string): string => `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Epoch seconds, as OpenAI's `created`. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Epoch seconds of an answer's clock. */
export const secondsOf = (ms: number): number => Math.floor(ms / 1000);
