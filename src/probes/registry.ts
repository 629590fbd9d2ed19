import type { z } from 'zod';
import { httpProbe } from './http';
import { neo4jProbe } from './neo4j';
import { postgresProbe } from './postgres';
import { redisProbe } from './redis';
import { systemProbe } from './system';
import { tcpProbe } from './tcp';
import type { Probe, ProbeDefinition } from './types';

/**
 * Every probe type, keyed by the `type` field of its config. Adding a type is one file and one
 * line here: the config schema's union and the factory below are both built from this table.
 */
export const probeDefinitions = {
  postgres: postgresProbe,
  redis: redisProbe,
  neo4j: neo4jProbe,
  http: httpProbe,
  tcp: tcpProbe,
  system: systemProbe,
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own schema type
} as const satisfies Record<string, ProbeDefinition<any>>;

export type ProbeType = keyof typeof probeDefinitions;
export type ProbeConfig = { [K in ProbeType]: z.output<(typeof probeDefinitions)[K]['schema']> }[ProbeType];

/** A definition may say when its config asks for nothing to probe (an empty Neo4j URI); such a probe is not scheduled. */
type Configurable = ProbeDefinition & { readonly configured?: (config: ProbeConfig) => boolean };

export function probeIsConfigured(config: ProbeConfig): boolean {
  return (probeDefinitions[config.type] as Configurable).configured?.(config) ?? true;
}

export function createProbe(config: ProbeConfig): Probe {
  const definition = probeDefinitions[config.type] as ProbeDefinition;
  return definition.create(config);
}
