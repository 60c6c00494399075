// The Node client against a real fer server. FER_TARGET (host:port) names it: when it is set and
// the server does not answer, the tests fail; when it is unset they try 127.0.0.1:50151 and skip,
// saying why, if nothing listens there. FER_DATA names the folder holding
// fer2013/validation/<class>/*.jpg (default: ../shared/data beside the repository root).
import { test, after, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';

import { DEFAULT_TARGET, FerClient, PROTO_DIR, frameError, request, type FaceResult, type Pipeline,
  type RecognizeResponse } from '../src/index';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..'); // dist/test -> repository root
const explicit = (process.env.FER_TARGET ?? '').trim();
const target = explicit || DEFAULT_TARGET;
const CORRUPT = Buffer.from('\xff\xd8\xff\xe0 this is not really a JPEG', 'latin1');

const client = new FerClient(target);
after(() => client.close());

/** grpc.health.v1.Health/Check with an empty request; SERVING is the response bytes 08 01. */
function healthCheck(): Promise<void> {
  const raw = new grpc.Client(target, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    raw.makeUnaryRequest('/grpc.health.v1.Health/Check', () => Buffer.alloc(0), (b: Buffer) => b, {},
      new grpc.Metadata({ waitForReady: !!explicit }), { deadline: Date.now() + 10_000 },
      (err, res) => {
        raw.close();
        if (err) {
          reject(new Error(`fer server at ${target} unreachable: ${grpc.status[err.code]} ${err.details}`));
        } else if (!res || res[0] !== 0x08 || res[1] !== 0x01) {
          reject(new Error(`fer server at ${target} is not SERVING`));
        } else {
          resolve();
        }
      });
  });
}
const ready = healthCheck().then(() => null, (err: Error) => err.message);

/** Fails (FER_TARGET set) or skips (unset) when the server is not there; true when it is. */
async function needServer(t: TestContext): Promise<boolean> {
  const problem = await ready;
  if (problem === null) {
    return true;
  }
  if (explicit) {
    assert.fail(`${problem} (FER_TARGET is set, so this is a failure)`);
  }
  t.skip(`${problem} (set FER_TARGET=host:port to run against a server)`);
  return false;
}

function faces(t: TestContext): Buffer[] | null {
  const root = path.join(process.env.FER_DATA || path.join(REPO_ROOT, '..', 'shared', 'data'), 'fer2013', 'validation');
  if (!fs.existsSync(root)) {
    t.skip(`no face crops at ${root} (set FER_DATA to the folder holding fer2013/validation)`);
    return null;
  }
  const out: Buffer[] = [];
  for (const cls of fs.readdirSync(root).sort()) {
    const dir = path.join(root, cls);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jpg')).sort().slice(0, 2)) {
      out.push(fs.readFileSync(path.join(dir, f)));
    }
  }
  if (!out.length) {
    t.skip(`no *.jpg face crops under ${root}`);
    return null;
  }
  return out;
}

function checkFace(face: FaceResult, p: Pipeline): void {
  assert.ok(p.classes.includes(face.label), `label ${face.label} among ${p.classes}`);
  assert.deepEqual(face.scores.map((s) => s.label), p.classes, 'every class scored, in card order');
  const sum = face.scores.reduce((a, s) => a + s.score, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `scores sum to ${sum}`);
  const best = face.scores.reduce((a, s) => (s.score > a.score ? s : a));
  assert.equal(face.label, best.label);
}

async function collect(it: AsyncIterable<RecognizeResponse>): Promise<RecognizeResponse[]> {
  const out: RecognizeResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}

test('pipelines are listed', async (t) => {
  if (!(await needServer(t))) return;
  const list = await client.listPipelines();
  const p = await client.getPipeline('');
  assert.equal(list.defaultPipeline, p.name);
  assert.ok(list.pipelines.some((x) => x.name === p.name));
  assert.ok(p.classes.length >= 2);
});

test('a face crop gives one face with every class scored', async (t) => {
  if (!(await needServer(t))) return;
  const imgs = faces(t);
  if (!imgs) return;
  const p = await client.getPipeline();
  const r = await client.recognizeImage(request(imgs[0], { faceCrop: true, frameId: 42 }));
  assert.equal(r.frameId, 42);
  assert.equal(frameError(r), null);
  assert.equal(r.faces.length, 1, 'a face crop is one face');
  checkFace(r.faces[0], p);
});

test('a stream of N frames gives N responses in order', async (t) => {
  if (!(await needServer(t))) return;
  const imgs = faces(t);
  if (!imgs) return;
  const p = await client.getPipeline();
  const got = await collect(client.stream(imgs.map((b, i) => request(b, { frameId: 1000 + i, faceCrop: true })),
    { maxInFlight: 3 }));
  assert.deepEqual(got.map((r) => r.frameId), imgs.map((_, i) => 1000 + i));
  for (const r of got) {
    assert.equal(frameError(r), null);
    assert.equal(r.faces.length, 1);
    checkFace(r.faces[0], p);
  }
  // Plain images get frame ids 0..N-1.
  const plain = await collect(client.stream(imgs.slice(0, 4), { faceCrop: true, maxInFlight: 2 }));
  assert.deepEqual(plain.map((r) => r.frameId), [0, 1, 2, 3]);
});

test('a corrupt frame gets INVALID_ARGUMENT and the stream goes on', async (t) => {
  if (!(await needServer(t))) return;
  const imgs = faces(t);
  if (!imgs) return;
  const got = await collect(client.stream([imgs[0], CORRUPT, imgs[1]], { faceCrop: true }));
  assert.deepEqual(got.map((r) => r.frameId), [0, 1, 2]);
  assert.equal(frameError(got[0]), null);
  assert.equal(frameError(got[1])?.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(got[1].faces.length, 0);
  assert.equal(frameError(got[2]), null);
  assert.equal(got[2].faces.length, 1);
});

test('a corrupt unary image is INVALID_ARGUMENT', async (t) => {
  if (!(await needServer(t))) return;
  await assert.rejects(client.recognizeImage(CORRUPT, { faceCrop: true }),
    (err: grpc.ServiceError) => err.code === grpc.status.INVALID_ARGUMENT);
});

test('stream and unary agree on the same image', async (t) => {
  if (!(await needServer(t))) return;
  const imgs = faces(t);
  if (!imgs) return;
  const p = await client.getPipeline();
  for (const img of imgs.slice(0, 3)) {
    const req = request(img, { faceCrop: true, variant: p.activeVariant });
    const unary = await client.recognizeImage(req);
    const [streamed] = await collect(client.stream([req]));
    assert.equal(frameError(streamed), null);
    const a = unary.faces[0];
    const b = streamed.faces[0];
    assert.equal(a.label, b.label);
    assert.deepEqual(a.scores.map((s) => s.label), b.scores.map((s) => s.label));
    a.scores.forEach((s, i) => assert.ok(Math.abs(s.score - b.scores[i].score) <= 1e-4, `${s.label}: ${s.score} vs ${b.scores[i].score}`));
  }
});

test('an unreachable server is retried with backoff, then fails with UNAVAILABLE', async () => {
  const c = new FerClient('127.0.0.1:1', { backoff: { initialMs: 10, maxMs: 40, multiplier: 2, jitter: 0, maxAttempts: 3 } });
  const sleeps: number[] = [];
  c.sleep = async (ms) => { sleeps.push(ms); };
  try {
    await assert.rejects(c.getPipeline('', 2000), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE);
    assert.deepEqual(sleeps, [10, 20, 40]);
    sleeps.length = 0;
    await assert.rejects(collect(c.stream([CORRUPT])), (err: grpc.ServiceError) => err.code === grpc.status.UNAVAILABLE);
    assert.deepEqual(sleeps, [10, 20, 40]);
  } finally {
    c.close();
  }
});

test('the packaged proto matches proto/fer/v1/fer.proto', (t) => {
  const src = path.join(REPO_ROOT, 'proto', 'fer', 'v1', 'fer.proto');
  if (!fs.existsSync(src)) {
    t.skip(`${src} not found`);
    return;
  }
  const digest = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  assert.equal(digest(path.join(PROTO_DIR, 'fer', 'v1', 'fer.proto')), digest(src), 'run npm run build');
});
