// Copies proto/fer/v1/fer.proto from the repository root into this package (proto/ is shipped
// with the package so that it also works outside the repository). proto/google/rpc/status.proto
// is a vendored copy of googleapis' file (Apache-2.0, licence header kept).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const src = path.resolve(__dirname, '..', '..', '..', 'proto', 'fer', 'v1', 'fer.proto');
const dst = path.resolve(__dirname, '..', 'proto', 'fer', 'v1', 'fer.proto');
if (fs.existsSync(src)) {
  const data = fs.readFileSync(src);
  if (!fs.existsSync(dst) || !fs.readFileSync(dst).equals(data)) {
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.writeFileSync(dst, data);
    console.log(`sync-proto: copied ${src}`);
  }
} else if (!fs.existsSync(dst)) {
  console.error(`sync-proto: neither ${src} nor ${dst} exists`);
  process.exit(1);
}
