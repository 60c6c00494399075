// The stream wrapper's reconnect and in-flight bound, against a small in-process fake server (no
// real fer server needed): the first call dies with UNAVAILABLE part-way through.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';

import { FerClient, loadProto, request, type RecognizeRequest } from '../src/index';

for (const perFrame of [false, true]) {
  test(`a stream reconnects and re-sends the unanswered frames, in order (${perFrame ? 'frame answered UNAVAILABLE' : 'call dies'})`, async () => {
    let calls = 0;
    const received: RecognizeRequest[][] = [];
    const server = new grpc.Server();
    server.addService(loadProto().fer.v1.Recognition.service, {
      Recognize: (call: grpc.ServerDuplexStream<RecognizeRequest, unknown>) => {
        const callNo = ++calls;
        received.push([]);
        let n = 0;
        call.on('data', (req: RecognizeRequest) => {
          received[callNo - 1].push(req);
          if (callNo === 1 && ++n === 3) {
            if (perFrame) {
              call.write({ frameId: req.frameId, error: { code: grpc.status.UNAVAILABLE, message: 'the server is still loading its models' } });
            } else {
              call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'server going away' });
            }
            return;
          }
          call.write({ frameId: req.frameId, pipeline: 'fake' });
        });
        call.on('end', () => call.end());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    const c = new FerClient(`127.0.0.1:${port}`, { backoff: { initialMs: 10, maxMs: 100, multiplier: 2, jitter: 0, maxAttempts: 3 } });
    const sleeps: number[] = [];
    c.sleep = async (ms) => { sleeps.push(ms); };
    const got: number[] = [];
    let worst = 0;
    function* frames() {
      for (let i = 0; i < 10; i++) {
        worst = Math.max(worst, i + 1 - got.length);
        yield request(Buffer.from('frame'), { frameId: i });
      }
    }
    try {
      for await (const r of c.stream(frames(), { maxInFlight: 3, dropPolicy: 'LATEST' })) {
        assert.equal(r.error, null);
        got.push(r.frameId);
      }
    } finally {
      c.close();
      server.forceShutdown();
    }
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'every frame answered once, in order');
    assert.equal(calls, 2);
    assert.deepEqual(sleeps, [10]);
    assert.equal(received[1][0].streamOptions?.dropPolicy, 'LATEST', 'stream options ride on the first request of each call');
    assert.equal(received[1][1].streamOptions, null);
    assert.ok(worst <= 3 + 1, `${worst} frames in flight with maxInFlight 3`);
  });
}
