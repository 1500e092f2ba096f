/** Writes the gateway's OpenAPI 3.1 document to openapi/gateway.json (a test checks it for drift). */
import { writeFileSync } from 'node:fs';
import { openapiDocument } from '../src/app/openapi-document.js';

writeFileSync(new URL('../openapi/gateway.json', import.meta.url), `${JSON.stringify(openapiDocument(), null, 2)}\n`);
process.stdout.write('openapi/gateway.json written\n');
