import type { ShapeError, TokenUsage } from '../types';

/**
 * Small readers for untrusted reply JSON. Each names the path it was reading, so a wrong reply
 * becomes a ShapeError such as `choices[0].message.content: expected string, got number`.
 * Values are described by kind only: a hostile body is never echoed back.
 */
class ShapeProblem extends Error {}

const MAX_MESSAGE = 200;

/** The kind of a JSON value, for messages: never the value itself. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'empty array' : 'array';
  if (typeof value === 'string' && value === '') return 'empty string';
  return typeof value;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ShapeProblem(`${path}: expected ${expected}, got ${kindOf(value)}`.slice(0, MAX_MESSAGE));
}

/** Runs a parser built from the readers below; a shape problem becomes a ShapeError value. */
export function parseShape<T>(parse: () => T): T | ShapeError {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ShapeProblem) return { shapeError: error.message };
    throw error;
  }
}

export type JsonObject = Record<string, unknown>;

export function obj(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'object', value);
  return value as JsonObject;
}

export function arr(value: unknown, path: string, minLength = 0): unknown[] {
  if (!Array.isArray(value)) fail(path, 'array', value);
  if (value.length < minLength) fail(path, `array of at least ${minLength}`, value);
  return value;
}

export function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'string', value);
  return value;
}

/** A string that may be absent (undefined or null → ''), but is a string when present. */
export function optStr(value: unknown, path: string): string {
  return value === undefined || value === null ? '' : str(value, path);
}

/** A count that may be absent (→ null), but is a finite non-negative number when present. */
export function optCount(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(path, 'non-negative number', value);
  return value;
}

/** An object that may be absent (→ undefined). */
export function optObj(value: unknown, path: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : obj(value, path);
}

/**
 * Token usage from two counts; null when the reply has neither, so validators can tell
 * "no usage block" from "zero tokens".
 */
export function usageOf(prompt: number | null, completion: number | null, total: number | null = null): TokenUsage | null {
  if (prompt === null && completion === null && total === null) return null;
  const promptTokens = prompt ?? 0;
  const completionTokens = completion ?? 0;
  return { promptTokens, completionTokens, totalTokens: total ?? promptTokens + completionTokens };
}
