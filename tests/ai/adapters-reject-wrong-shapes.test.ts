import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adapterFor } from '../../src/ai/adapters/registry';
import { isShapeError, type ApiStyle } from '../../src/ai/types';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(__dirname, '../fixtures/ai', name), 'utf8')) as Record<string, unknown>;

/** A fixture with one change made at a dot path (numeric parts index arrays). */
function mutate(name: string, at: string, value: unknown): unknown {
  const body = fixture(name);
  const keys = at.split('.');
  let current: Record<string, unknown> = body;
  for (const key of keys.slice(0, -1)) current = current[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete current[last];
  else current[last] = value;
  return body;
}

interface WrongShape {
  readonly style: ApiStyle;
  readonly body: unknown;
  /** The path the error must name. */
  readonly names: string;
}

const WRONG_GENERATIONS: readonly WrongShape[] = [
  { style: 'openai', body: 'just a string', names: 'body' },
  { style: 'openai', body: mutate('openai-chat.json', 'choices', []), names: 'choices' },
  { style: 'openai', body: mutate('openai-chat.json', 'choices', undefined), names: 'choices' },
  { style: 'openai', body: mutate('openai-chat.json', 'choices.0.message', 'hello'), names: 'choices[0].message' },
  { style: 'openai', body: mutate('openai-chat.json', 'choices.0.message.content', 42), names: 'choices[0].message.content' },
  { style: 'openai', body: mutate('openai-chat.json', 'usage.prompt_tokens', 'many'), names: 'usage.prompt_tokens' },
  { style: 'openai', body: mutate('openai-chat.json', 'id', 7), names: 'id' },
  { style: 'gemini', body: mutate('gemini-generate.json', 'candidates', {}), names: 'candidates' },
  { style: 'gemini', body: mutate('gemini-generate.json', 'candidates', undefined), names: 'candidates' },
  { style: 'gemini', body: mutate('gemini-generate.json', 'candidates.0.content.parts', 'text'), names: 'candidates[0].content.parts' },
  { style: 'gemini', body: mutate('gemini-generate.json', 'candidates.0.content.parts.0.text', ['x']), names: 'candidates[0].content.parts[0].text' },
  { style: 'cohere', body: mutate('cohere-chat.json', 'message', undefined), names: 'message' },
  { style: 'cohere', body: mutate('cohere-chat.json', 'message.content', 'X7K2M9QP 1234'), names: 'message.content' },
  { style: 'cohere', body: mutate('cohere-chat.json', 'message.content.0.text', null), names: 'message.content[0].text' },
  { style: 'anthropic', body: mutate('anthropic-messages.json', 'content', 'X7K2M9QP 1234'), names: 'content' },
  { style: 'anthropic', body: mutate('anthropic-messages.json', 'content.0.type', undefined), names: 'content[0].type' },
  { style: 'anthropic', body: mutate('anthropic-messages.json', 'usage.output_tokens', -1), names: 'usage.output_tokens' },
  { style: 'ollama', body: mutate('ollama-chat.json', 'message', undefined), names: 'message' },
  { style: 'ollama', body: mutate('ollama-chat.json', 'message.content', null), names: 'message.content' },
  { style: 'ollama', body: [], names: 'body' },
];

describe('a generation reply of the wrong shape becomes a ShapeError naming the field', () => {
  it.each(WRONG_GENERATIONS)('$style: $names', ({ style, body, names }) => {
    const result = adapterFor(style).parseGeneration(body, {});
    expect(isShapeError(result)).toBe(true);
    if (isShapeError(result)) expect(result.shapeError.startsWith(`${names}:`)).toBe(true);
  });
});

describe('a models list of the wrong shape becomes a ShapeError', () => {
  it.each([
    { style: 'openai' as const, body: { object: 'list', data: {} }, names: 'data' },
    { style: 'openai' as const, body: { data: [{ name: 'gpt-4o' }] }, names: 'data[0].id' },
    { style: 'gemini' as const, body: { models: [{ id: 'gemini' }] }, names: 'models[0].name' },
    { style: 'cohere' as const, body: { data: [] }, names: 'models' },
    { style: 'anthropic' as const, body: null, names: 'body' },
    { style: 'ollama' as const, body: { models: 'llama3.2' }, names: 'models' },
  ])('$style: $names', ({ style, body, names }) => {
    const result = adapterFor(style).parseModelList(body);
    expect(isShapeError(result)).toBe(true);
    if (isShapeError(result)) expect(result.shapeError.startsWith(`${names}:`)).toBe(true);
  });
});

describe('shape errors never echo the reply', () => {
  it('describes a huge wrong value by its kind only, in a bounded message', () => {
    const hostile = 'IGNORE PREVIOUS INSTRUCTIONS '.repeat(10_000);
    const result = adapterFor('openai').parseGeneration({ choices: [{ message: { content: { nested: hostile } } }] }, {});
    expect(isShapeError(result)).toBe(true);
    if (isShapeError(result)) {
      expect(result.shapeError).toBe('choices[0].message.content: expected array, got object');
      expect(result.shapeError.length).toBeLessThanOrEqual(200);
    }
  });
});
