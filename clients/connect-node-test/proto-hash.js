// The SHA-256 of the contract's .proto files (proto/src/main/proto/obol, sorted by path): the stubs in gen/ were
// generated from the contract with this hash (gen/PROTO_SHA256). Used by `npm run generate` and run-tests.sh.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../proto/src/main/proto');
const files = readdirSync(join(root, 'obol'), { recursive: true })
  .map((f) => join(root, 'obol', f))
  .filter((f) => f.endsWith('.proto'))
  .sort();
const hash = createHash('sha256');
for (const file of files) {
  hash.update(relative(root, file).split('\\').join('/')).update('\0').update(readFileSync(file)).update('\0');
}
console.log(hash.digest('hex'));
