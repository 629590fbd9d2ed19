import { findAiProvidersModule, type AiProvidersModule } from '../../modules/ai-providers';
import type { CommandIo } from '../types';
import type { OneShotRuntime } from './runtime';

/** Exit code when the command asks for a provider that does not exist or nothing to test is configured. */
export const EXIT_NO_PROVIDER = 64;

/** The AI provider module of a runtime; it is always registered, but a build without it says so. */
export function aiModule(runtime: OneShotRuntime, io: CommandIo): AiProvidersModule | undefined {
  const module = findAiProvidersModule(runtime.modules);
  if (!module) io.stderr('amas-exporter: this build has no AI provider module\n');
  return module;
}

/** Aborts on the first Ctrl-C so runs end cleanly (each call keeps its own timeout too). */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onInterrupt) };
}
