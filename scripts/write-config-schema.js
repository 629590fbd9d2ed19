// Regenerates config/exporter.schema.json from the zod schema (run after `npm run build`).
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { renderConfigJsonSchema } = require('../dist/modules/config');

writeFileSync(path.join(__dirname, '..', 'config', 'exporter.schema.json'), renderConfigJsonSchema());
