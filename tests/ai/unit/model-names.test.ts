import { baseModelName, modelListed, sameModel } from '../../../src/ai/model-names';

describe('model names', () => {
  it.each([
    ['gpt-4o', 'gpt-4o-2024-08-06'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20241022'],
    ['models/gemini-2.0-flash', 'gemini-2.0-flash-001'],
    ['gemini-1.5-pro', 'gemini-1.5-pro-002'],
    ['command-a-03-2025', 'command-a-03-2025'],
    ['command-r-plus', 'command-r-plus-08-2024'],
    ['mistral-large-latest', 'mistral-large-2411'],
    ['deepseek/deepseek-chat-v3.1:free', 'deepseek/deepseek-chat-v3.1'],
    ['llama3.2', 'llama3.2:latest'],
    ['llama-3.1-70b-instruct', 'meta/llama-3.1-70b-instruct'],
    ['qwen-3-235b-a22b-instruct-2507', 'qwen-3-235b-a22b-instruct'],
  ])('%s and %s are the same model', (asked, answered) => {
    expect(sameModel(asked, answered)).toBe(true);
  });

  it.each([
    ['gpt-4o', 'gpt-4o-mini'],
    ['gpt-4', 'gpt-3'],
    ['gpt-4o', 'llama-3.1-8b-instant'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-haiku-20241022'],
    ['gemini-2.0-flash', 'gemini-2.0-flash-lite'],
    ['gemini-sim-model', 'gpt-3.5-turbo-0125'],
    ['gpt-4o', ''],
  ])('%s and %s are different models', (asked, answered) => {
    expect(sameModel(asked, answered)).toBe(false);
  });

  it('finds a model in a list under a versioned name, and strips only version suffixes', () => {
    expect(modelListed(['gpt-4o-2024-08-06', 'gpt-4o-mini'], 'gpt-4o')).toBe(true);
    expect(modelListed(['gpt-4o-mini'], 'gpt-4o')).toBe(false);
    expect(baseModelName('gemini-1.5-pro-exp-0827')).toBe('gemini-1.5-pro');
  });
});
