// Writes the generated hypercall header and docs from the hypercall table:
//   node scripts/build.mjs && node out/scripts/gen-abi.js
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_FILES, renderCHeader, renderMarkdown } from '../emulator/hypervisor/hypercalls/abi-render';
import { projectRoot } from '../emulator/engine/native-library';

const root = projectRoot();
writeFileSync(join(root, GENERATED_FILES.header), renderCHeader());
writeFileSync(join(root, GENERATED_FILES.docs), renderMarkdown());
process.stdout.write(`wrote ${GENERATED_FILES.header} and ${GENERATED_FILES.docs}\n`);
