// Part of `npm run build`: writes dist/embedded-template.tar, the initialised and migrated data folder
// that a first start of the embedded database loads instead of running initdb and the migrations.

import { EmbeddedDatabase, EMBEDDED_TEMPLATE } from '../dist/db/embedded.js';

await EmbeddedDatabase.writeTemplate(EMBEDDED_TEMPLATE);
process.stdout.write(`wrote ${EMBEDDED_TEMPLATE}\n`);
