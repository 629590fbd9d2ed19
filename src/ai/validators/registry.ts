import { z } from 'zod';
import type { FakeAiReason } from '../run-result';
import { answerValidator } from './answer';
import { duplicateReplyValidator } from './duplicate-reply';
import { envelopeValidator } from './envelope';
import { templateValidator } from './template';
import { timingValidator } from './timing';
import type { ValidationContext, Validator, ValidatorVerdict } from './types';

/** Every validator, by config key. Adding one: a file beside this one and one line here. */
export const validatorDefinitions = {
  answer: answerValidator,
  envelope: envelopeValidator,
  template: templateValidator,
  duplicate_reply: duplicateReplyValidator,
  timing: timingValidator,
} as const;

export type ValidatorName = keyof typeof validatorDefinitions;
export const VALIDATOR_NAMES = Object.keys(validatorDefinitions) as ValidatorName[];

/**
 * When several validators flag one reply, the run reports the most specific reason. A wrong or
 * fake model name (`envelope`) comes first: it says the reply is not from the model asked for,
 * whatever its text. Then a canned phrase, a replayed answer, stored text and timing; a wrong
 * answer, which every fake also produces, is last. The order is fixed, so a fake that keeps doing
 * the same thing keeps the same reason.
 */
export const REASON_PRECEDENCE: readonly FakeAiReason[] = ['envelope', 'template', 'replay', 'duplicate_reply', 'stream', 'timing', 'wrong_answer'];

type Definitions = typeof validatorDefinitions;
type SettingsShape = { [K in ValidatorName]: z.ZodPrefault<Definitions[K]['schema']> };

/** The `validators:` section: one key per validator, each with `enabled` and its parameters. */
export const validatorSettingsSchema = z
  .object(Object.fromEntries(VALIDATOR_NAMES.map((name) => [name, (validatorDefinitions[name].schema as z.ZodObject).prefault({})])) as unknown as SettingsShape)
  .strict();
export type ValidatorSettings = z.output<typeof validatorSettingsSchema>;

/** The same keys, each optional and without its default, so an override holds only what it sets. */
function withoutDefaults(schema: z.ZodObject): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
  );
  return z.object(shape).strict();
}

/** A provider's `validators:` override: any subset of any validator's keys, merged over the global settings. */
export const validatorOverridesSchema = z
  .object(Object.fromEntries(VALIDATOR_NAMES.map((name) => [name, withoutDefaults(validatorDefinitions[name].schema as z.ZodObject).optional()])) as unknown as {
    [K in ValidatorName]: z.ZodOptional<z.ZodObject>;
  })
  .strict();
export type ValidatorOverrides = { readonly [K in ValidatorName]?: Partial<ValidatorSettings[K]> };

/** Applies a provider's overrides; the result is re-validated so a merged config is still a valid one. */
export function mergeValidatorSettings(global: ValidatorSettings, overrides: ValidatorOverrides | undefined): ValidatorSettings {
  if (!overrides) return global;
  const merged: Record<string, unknown> = {};
  for (const name of VALIDATOR_NAMES) merged[name] = { ...global[name], ...(overrides[name] ?? {}) };
  return validatorSettingsSchema.parse(merged);
}

/** A built set of validators for one provider. */
export interface ValidatorSet {
  readonly enabled: readonly ValidatorName[];
  /** Runs every enabled validator; `flagged` is the highest-precedence failure, if any. */
  run(ctx: ValidationContext): { readonly verdicts: Readonly<Partial<Record<ValidatorName, ValidatorVerdict>>>; readonly flagged?: ValidatorVerdict & { ok: false } };
}

export function createValidatorSet(settings: ValidatorSettings): ValidatorSet {
  const built: [ValidatorName, Validator][] = [];
  for (const name of VALIDATOR_NAMES) {
    const config = settings[name];
    if (!config.enabled) continue;
    const definition = validatorDefinitions[name] as { create: (config: unknown) => Validator };
    built.push([name, definition.create(config)]);
  }
  return {
    enabled: built.map(([name]) => name),
    run(ctx) {
      const verdicts: Partial<Record<ValidatorName, ValidatorVerdict>> = {};
      let flagged: (ValidatorVerdict & { ok: false }) | undefined;
      for (const [name, validator] of built) {
        const verdict = validator.check(ctx);
        verdicts[name] = verdict;
        if (!verdict.ok && (!flagged || REASON_PRECEDENCE.indexOf(verdict.reason) < REASON_PRECEDENCE.indexOf(flagged.reason))) flagged = verdict;
      }
      return flagged ? { verdicts, flagged } : { verdicts };
    },
  };
}
