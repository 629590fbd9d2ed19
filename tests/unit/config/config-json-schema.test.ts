import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigJsonSchema } from '../../../src/modules/config';

describe('the committed JSON Schema for editors', () => {
  it('is the one generated from the zod schema (run `npm run config-schema` after changing the schema)', () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', '..', 'config', 'exporter.schema.json'), 'utf8');
    expect(committed).toBe(renderConfigJsonSchema());
  });

  it('rejects unknown keys and describes every probe type', () => {
    const schema = JSON.parse(renderConfigJsonSchema()) as { additionalProperties: boolean; properties: { probes: { items: { oneOf?: unknown[]; anyOf?: unknown[] } } } };
    expect(schema.additionalProperties).toBe(false);
    const variants = schema.properties.probes.items.oneOf ?? schema.properties.probes.items.anyOf ?? [];
    const types = variants.map((variant) => (variant as { properties: { type: { const: string } } }).properties.type.const);
    expect(types.sort()).toEqual(['http', 'neo4j', 'postgres', 'redis', 'system', 'tcp']);
  });
});
