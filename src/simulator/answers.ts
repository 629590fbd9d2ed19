import { countList, expectedAnswer, type ChallengeValues } from '../ai/challenge-text';

/** Picks one element at random. */
export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** Ways a chatty but honest model wraps the answer; a validator must see through all of them. */
const HONEST_WRAPPERS: readonly ((answer: string, values: ChallengeValues) => string)[] = [
  (answer) => answer,
  (answer) => `${answer}\n`,
  (answer) => `Sure! **${answer}**`,
  (_answer, v) => `The code is ${v.code}, and the sum is ${v.a + v.b}.${v.items ? ` Numbers: ${countList(v.items)}.` : ''}`,
  (answer) => `# Result\n\n- ${answer.split(' ').slice(0, 2).join(' ')}\n- ${answer.split(' ').slice(2).join(', ')}`,
  (answer) => `Here you go:\n\n${answer}`,
  (answer) => '```\n' + answer + '\n```',
  (answer) => `Answer: \`${answer}\``,
  (answer) => `${answer}\n\nLet me know if you need anything else!`,
];

/** A correct answer to the challenge, in one of several honest wrappings. */
export const honestText = (values: ChallengeValues): string => pick(HONEST_WRAPPERS)(expectedAnswer(values), values);

/** What a reasoning model thinks before answering. */
export const reasoningText = (values: ChallengeValues): string =>
  `The user wants one line: the code ${values.code}, a space, then ${values.a} + ${values.b}. ` +
  `${values.a} + ${values.b} = ${values.a + values.b}. No other text, so the line is "${expectedAnswer(values)}".`;

/** Right code, wrong sum: the mistake a template with a guessed number makes. */
export function wrongAnswerText(values: ChallengeValues): string {
  const wrongSum = values.a + values.b + 1 + Math.floor(Math.random() * 9);
  const list = countList(values.items);
  return pick([`${values.code} ${wrongSum} ${list}`.trim(), `Sure! **${values.code} ${wrongSum}** ${list}`.trim()]);
}

/** Fixed texts built around AMAS's own fake-AI phrases (see docs/fake-ai-validation.md). */
export const CANNED_TEXTS = [
  'AI-powered analysis completed successfully. No specific issues found. Continue current practices.',
  'Analysis completed successfully. All checks passed. Code quality score: 8.5/10.',
  'Provider: AI System. Response Time: 1.5s. Add comprehensive error handling and implement unit tests for new features.',
] as const;

/** The same phrase-free text for every prompt: looks like an answer, says nothing, never changes. */
export const DUPLICATE_TEXT = 'Verification complete. The requested line has been generated as instructed.';

/** A short plausible answer to a prompt that is not a challenge (AMAS's "reply OK" check and the like). */
export function plainText(prompt: string): string {
  if (/\bOK\b/.test(prompt)) return pick(['OK', 'OK.', 'OK!']);
  return pick([
    'Hello! How can I help you today?',
    'Sure - happy to help. Could you share a bit more detail about what you need?',
    'Here is a short answer: it depends on the context, but the usual approach is to start small and measure.',
  ]);
}

/** Rough token count: about four characters a token, never zero for non-empty text. */
export const tokensOf = (text: string): number => (text === '' ? 0 : Math.max(1, Math.ceil(text.length / 4)));

/** A model family other than the one configured, for the wrong_model mode. */
export const otherFamily = (model: string): string => (/gpt/i.test(model) ? 'llama-3.1-8b-instant' : 'gpt-3.5-turbo-0125');
