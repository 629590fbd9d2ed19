import type { AiConfig } from './config';
import { localGate, type PaidGate } from './paid-gate';
import { MemoryValidationStore, type ValidationStore } from './validation-store';
import { FileValidationStore } from './validation-store-file';

/** Where validation history is kept and where paid steps run, chosen from the `ai:` section. */
export interface ValidationBackends {
  readonly store: ValidationStore;
  readonly gate: PaidGate;
  /** Failed reads and writes of the store, for `amas_ai_state_file_errors_total`; 0 without a file. */
  errors(): number;
}

/**
 * `ai.state_path` set: a JSON file shared by restarts and the CLI; else memory only. The one
 * place that picks a backend (fleet mode adds its Redis store and gate here).
 */
export function validationBackends(ai: AiConfig, report: (message: string) => void): ValidationBackends {
  if (ai.state_path.trim() !== '') {
    const store = new FileValidationStore(ai.state_path.trim(), report);
    return { store, gate: localGate, errors: () => store.errors };
  }
  return { store: new MemoryValidationStore(), gate: localGate, errors: () => 0 };
}
