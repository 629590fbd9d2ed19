import { API_STYLES, type ApiStyle } from '../ai/types';
import type { FakeMode } from './types';

/** The validator findings the fake modes must provoke (named as the validators name them). */
export type ExpectedDetection = 'template' | 'replay' | 'wrong_answer' | 'envelope' | 'timing' | 'duplicate_reply' | 'stream';

/** What catches one fake mode, and through which styles it can be caught at all. */
export interface FakeModeExpectation {
  /** Any of these findings counts as caught. */
  readonly reasons: readonly ExpectedDetection[];
  /** Styles whose reply can show the fake (a Cohere reply names no model; an Ollama reply has no id). */
  readonly styles: readonly ApiStyle[];
  /** Calls needed before the fake shows: replay and duplicate need an earlier answer, timing needs a series. */
  readonly minCalls: number;
  readonly description: string;
  /** False for a fake that answers honestly now and then: not every run is flagged, but the status stays fake_ai. */
  readonly everyRun?: boolean;
  /** Only a streamed validation call shows it. */
  readonly streaming?: boolean;
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
  constant_latency: { reasons: ['timing'], styles: ALL, minCalls: 12, description: 'correct answers after the same fixed delay every call, whatever the length asked for (jitter_ms adds a loaded node’s noise)' },
  duplicate: { reasons: ['duplicate_reply', 'wrong_answer'], styles: ALL, minCalls: 1, description: 'the same phrase-free text for every challenge' },
  intermittent: { reasons: ['template'], styles: ALL, minCalls: 1, everyRun: false, description: 'canned text, but every Nth reply (option every, default 2) honest' },
  generic_model: { reasons: ['envelope'], styles: without('cohere'), minCalls: 1, description: 'correct answers from a model named "AI System"' },
  stale_created: { reasons: ['envelope'], styles: ['openai', 'ollama'], minCalls: 1, description: 'correct answers in a recorded envelope: its timestamp is an hour old' },
  sequential_id: { reasons: ['envelope'], styles: without('ollama'), minCalls: 2, description: 'correct answers whose ids count up (chatcmpl-1001, chatcmpl-1002, ...)' },
  frozen_usage: { reasons: ['envelope'], styles: ALL, minCalls: 5, description: 'correct answers with the same usage block every time, whatever their length' },
  short_answer: { reasons: ['wrong_answer'], styles: ALL, minCalls: 1, description: 'code and sum, but never the count list asked for (a fixed-length template)' },
  stream_burst: { reasons: ['stream'], styles: ['openai', 'anthropic', 'gemini', 'cohere'], minCalls: 1, streaming: true, description: 'a stream held back, then every chunk at once' },
  stream_json: { reasons: ['stream'], styles: ['openai', 'anthropic', 'gemini', 'cohere'], minCalls: 1, streaming: true, description: 'a plain JSON body sent to a streaming request' },
};
