import { simStyles } from './styles/registry';
import type { SimStyle } from './styles/types';
import type { EndpointKind, SimControl, SimMode, SimOptions, SimProvider, SimRequestRecord } from './types';

/** Records kept per provider; older ones are dropped so a long demo cannot grow without bound. */
const MAX_RECORDS = 2000;

/** A simulated provider's public state, as the control API shows it (never the key). */
export interface SimProviderView {
  readonly id: string;
  readonly style: SimProvider['style'];
  readonly model: string;
  readonly mode: SimMode;
  readonly options: SimOptions;
  readonly requiresKey: boolean;
  readonly requests: number;
}

/** The mutable state of one simulated provider: mode, counters, memory of its first answer, request log. */
export class SimProviderState {
  readonly style: SimStyle;
  readonly models: readonly string[];
  readonly reportedModels: readonly string[];
  mode: SimMode;
  options: SimOptions;
  /** The id static_id repeats. */
  readonly staticId: string;
  /** The first correct answer text, which replay mode repeats. */
  firstAnswer: string | undefined;
  /** Calls per endpoint kind, for flaky's alternation. */
  readonly calls: Record<EndpointKind, number> = { models: 0, generation: 0, unknown: 0 };
  private records: SimRequestRecord[] = [];

  constructor(readonly spec: SimProvider) {
    this.style = simStyles[spec.style];
    this.models = spec.models ?? [spec.model, 'sim-other-model'];
    const variant = this.style.modelVariant(spec.model);
    this.reportedModels = spec.reported_models ?? (variant === undefined ? [spec.model] : [spec.model, variant]);
    this.mode = spec.mode;
    this.options = spec.options;
    this.staticId = this.style.newId();
  }

  /** New mode and options; options not given fall back to the provider's initial ones. */
  configure(control: SimControl): void {
    const { mode, ...options } = control;
    if (mode !== undefined) this.mode = mode;
    this.options = { ...this.spec.options, ...options };
  }

  /** Back to the initial mode and options, with no memory and no records. */
  reset(): void {
    this.mode = this.spec.mode;
    this.options = this.spec.options;
    this.firstAnswer = undefined;
    this.calls.models = 0;
    this.calls.generation = 0;
    this.calls.unknown = 0;
    this.records = [];
  }

  record(entry: SimRequestRecord): SimRequestRecord {
    this.records.push(entry);
    if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
    return entry;
  }

  requests(kind?: EndpointKind): readonly SimRequestRecord[] {
    return kind === undefined ? [...this.records] : this.records.filter((entry) => entry.kind === kind);
  }

  clearRequests(): void {
    this.records = [];
  }

  view(): SimProviderView {
    return { id: this.spec.id, style: this.spec.style, model: this.spec.model, mode: this.mode, options: this.options, requiresKey: this.spec.api_key !== null, requests: this.records.length };
  }
}
