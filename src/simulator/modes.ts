import { API_STYLES, type ApiStyle } from '../ai/types';
import type { FakeMode } from './types';

/** The validator findings the fake modes must provoke (named as the validators name them). */
export type ExpectedDetection = 'template' | 'replay' | 'wrong_answer' | 'envelope' | 'timing' | 'duplicate_reply';

/** What catches one fake mode, and through which styles it can be caught at all. */
export interface FakeModeExpectation {
  /** Any of these findings counts as caught. */
  readonly reasons: readonly ExpectedDetection[];
  /** Styles whose reply can show the fake (a Cohere reply names no model; an Ollama reply has no id). */
  readonly styles: readonly ApiStyle[];
  /** Calls needed before the fake shows: replay and duplicate need an earlier answer, timing needs a series. */
  readonly minCalls: number;
  readonly description: string;
}

const ALL = API_STYLES;
const without = (...excluded: ApiStyle[]): readonly ApiStyle[] => API_STYLES.filter((style) => !excluded.includes(style));

/** Every fake mode and the detection that must catch it: the contract between simulator and validators. */
export const FAKE_MODES: Readonly<Record<FakeMode, FakeModeExpectation>> = {
  canned: { reasons: ['template'], styles: ALL, minCalls: 1, description: "fixed text containing one of AMAS's fake-AI phrases" },
  replay: { reasons: ['replay'], styles: ALL, minCalls: 2, description: 'replays the first honest answer it gave, under a new id' },
  wrong_answer: { reasons: ['wrong_answer'], styles: ALL, minCalls: 1, description: 'right code, wrong sum' },
  echo: { reasons: ['wrong_answer'], styles: ALL, minCalls: 1, description: 'returns the prompt text' },
  wrong_model: { reasons: ['envelope'], styles: without('cohere'), minCalls: 1, description: 'answers correctly but reports another model family' },
  static_id: { reasons: ['envelope'], styles: without('ollama'), minCalls: 2, description: 'correct answers, the same reply id every time' },
  no_usage: { reasons: ['envelope'], styles: ALL, minCalls: 1, description: 'correct answers without a usage block' },
  instant: { reasons: ['timing'], styles: ALL, minCalls: 1, description: 'correct answers with no delay at all' },
  constant_latency: { reasons: ['timing'], styles: ALL, minCalls: 3, description: 'correct answers after an identical fixed delay every call' },
  duplicate: { reasons: ['duplicate_reply', 'wrong_answer'], styles: ALL, minCalls: 1, description: 'the same phrase-free text for every challenge' },
};
