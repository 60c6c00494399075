// Streams a folder of images to a fer server and prints one line per frame.
//   node dist/examples/stream-folder.js [--face-crop] [--target host:port] FOLDER
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

import { DEFAULT_TARGET, FerClient, frameError, request } from '../src/index';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      target: { type: 'string', default: process.env.FER_TARGET || DEFAULT_TARGET },
      'face-crop': { type: 'boolean', default: false },
      'in-flight': { type: 'string', default: '8' },
    },
  });
  if (positionals.length !== 1) {
    console.error('usage: stream-folder [--face-crop] [--target host:port] [--in-flight N] FOLDER');
    process.exit(2);
  }
  const folder = positionals[0];
  const files = fs.readdirSync(folder).filter((f) => /\.(jpe?g|png|bmp|gif)$/i.test(f)).sort()
    .map((f) => path.join(folder, f));
  const faceCrop = values['face-crop'];
  // Files are read lazily, only when a slot among the frames in flight frees up.
  function* frames() {
    for (let i = 0; i < files.length; i++) {
      yield request(fs.readFileSync(files[i]), { frameId: i, faceCrop });
    }
  }
  const fer = new FerClient(values.target);
  let failed = 0;
  try {
    for await (const r of fer.stream(frames(), { maxInFlight: Number(values['in-flight']) })) {
      const name = files[r.frameId];
      const err = frameError(r);
      if (err) {
        failed++;
        console.log(`${name}\terror\t${err.message}`);
      } else if (!r.faces.length) {
        console.log(`${name}\tno face`);
      }
      for (const f of r.faces) {
        console.log(`${name}\t${f.label}\t${f.confidence.toFixed(3)}\tbox=${f.box?.x.toFixed(0)},${f.box?.y.toFixed(0)},${f.box?.width.toFixed(0)}x${f.box?.height.toFixed(0)}`);
      }
    }
  } finally {
    fer.close();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
