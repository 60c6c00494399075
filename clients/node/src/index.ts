/**
 * Node.js client for the fer.v1.Recognition gRPC service (facial-expression recognition).
 *
 *   const fer = new FerClient('127.0.0.1:50151');
 *   const r = await fer.recognizeImage(request(fs.readFileSync('face.jpg'), { faceCrop: true }));
 *   console.log(r.faces[0].label);
 *
 * The .proto files are loaded at run time with @grpc/proto-loader (no protoc needed); the
 * TypeScript types in ./gen are generated from them at build time by proto-loader-gen-types.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import type { ProtoGrpcType } from './gen/fer';
import type { RecognitionClient } from './gen/fer/v1/Recognition';
import type { RecognizeRequest } from './gen/fer/v1/RecognizeRequest';
import type { RecognizeResponse__Output } from './gen/fer/v1/RecognizeResponse';
import type { ListPipelinesResponse__Output } from './gen/fer/v1/ListPipelinesResponse';
import type { Pipeline__Output } from './gen/fer/v1/Pipeline';
import type { DropPolicy } from './gen/fer/v1/DropPolicy';
import type { PixelFormat } from './gen/fer/v1/PixelFormat';
import type { Image } from './gen/fer/v1/Image';

export type { RecognizeRequest } from './gen/fer/v1/RecognizeRequest';
export type { RecognizeResponse__Output as RecognizeResponse } from './gen/fer/v1/RecognizeResponse';
export type { Pipeline__Output as Pipeline } from './gen/fer/v1/Pipeline';
export type { ListPipelinesResponse__Output as ListPipelinesResponse } from './gen/fer/v1/ListPipelinesResponse';
export type { FaceResult__Output as FaceResult } from './gen/fer/v1/FaceResult';
export type { DropPolicy } from './gen/fer/v1/DropPolicy';
export type { PixelFormat } from './gen/fer/v1/PixelFormat';

export const DEFAULT_TARGET = '127.0.0.1:50151';
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The folder holding fer/v1/fer.proto and google/rpc/status.proto. */
export const PROTO_DIR = path.resolve(__dirname, '..', '..', 'proto');

/** How messages are mapped to JS: camelCase fields, uint64 as number, enums as strings, defaults filled. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let loaded: ProtoGrpcType | undefined;

/** The loaded package definition (fer.v1 and google.rpc), loaded once. */
export function loadProto(): ProtoGrpcType {
  if (!loaded) {
    const def = protoLoader.loadSync('fer/v1/fer.proto', LOADER_OPTIONS);
    loaded = grpc.loadPackageDefinition(def) as unknown as ProtoGrpcType;
  }
  return loaded;
}

/** Waits for reconnects when the server is UNAVAILABLE: attempt k waits min(initial*multiplier^k, max) ms +/- jitter. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  jitter: number;
  /** Retries in a row without progress; 0 disables retrying. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 10_000, multiplier: 2, jitter: 0.2, maxAttempts: 6 };

export function backoffDelay(b: Backoff, attempt: number): number {
  const base = Math.min(b.initialMs * b.multiplier ** attempt, b.maxMs);
  return Math.max(0, base * (1 + b.jitter * (2 * Math.random() - 1)));
}

export interface RequestFields {
  frameId?: number;
  faceCrop?: boolean;
  pipeline?: string;
  variant?: string;
  returnReference?: boolean;
  groundTruth?: string;
  routingKey?: string;
}

/** A RecognizeRequest for an encoded image (JPEG, PNG, BMP, GIF). `faceCrop` skips detection. */
export function request(encoded: Uint8Array, fields: RequestFields = {}): RecognizeRequest {
  return { ...fields, image: { encoded: { data: Buffer.from(encoded) } } };
}

/** A RecognizeRequest for raw pixels (stride 0 = rows are not padded). */
export function rawRequest(data: Uint8Array, format: PixelFormat, width: number, height: number,
  fields: RequestFields = {}, stride = 0): RecognizeRequest {
  const image: Image = { raw: { data: Buffer.from(data), format, width, height, stride } };
  return { ...fields, image };
}

/** The error of a failed stream frame ({code, message} with a grpc.status code), or null. */
export function frameError(resp: RecognizeResponse__Output): { code: grpc.status; message: string } | null {
  if (!resp.error || !resp.error.code) {
    return null;
  }
  return { code: resp.error.code as grpc.status, message: resp.error.message };
}

export function isRetryable(err: unknown): boolean {
  return (err as grpc.ServiceError | undefined)?.code === grpc.status.UNAVAILABLE;
}

export interface ClientOptions {
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
  backoff?: Backoff;
  /** Deadline for unary calls, in ms (default 60 s). */
  timeoutMs?: number;
}

export interface StreamOptions extends RequestFields {
  /** Frames sent and not yet answered, at most (default 8). */
  maxInFlight?: number;
  /** Rides on the first request of each call (default BLOCK). */
  dropPolicy?: DropPolicy;
  /** Aborting cancels the call and ends the iteration with an error. */
  signal?: AbortSignal;
}

type Frame = RecognizeRequest | Uint8Array;

class StreamClosedError extends Error {
  code = grpc.status.UNAVAILABLE;
}

/** A small queue between gRPC's events and the async generator. */
class Inbox<T> {
  private items: T[] = [];
  private waiter: ((v: T) => void) | null = null;
  push(v: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(v);
    } else {
      this.items.push(v);
    }
  }
  shift(): Promise<T> {
    if (this.items.length) {
      return Promise.resolve(this.items.shift() as T);
    }
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}

type Event =
  | { kind: 'data'; resp: RecognizeResponse__Output }
  | { kind: 'end' }
  | { kind: 'error'; err: unknown };

export class FerClient {
  readonly stub: RecognitionClient;
  backoff: Backoff;
  timeoutMs: number;
  /** Waits between retries; tests replace it. */
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms));

  constructor(readonly target: string = DEFAULT_TARGET, opts: ClientOptions = {}) {
    const Recognition = loadProto().fer.v1.Recognition;
    this.stub = new Recognition(target, opts.credentials ?? grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      ...opts.channelOptions,
    });
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  close(): void {
    this.stub.close();
  }

  /** Resolves once connected, rejects after timeoutMs. */
  waitReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stub.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  private async unary<Req, Res>(call: (req: Req, opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown,
    req: Req, timeoutMs?: number): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<Res>((resolve, reject) =>
          call.call(this.stub, req, { deadline: Date.now() + (timeoutMs ?? this.timeoutMs) },
            (err: grpc.ServiceError | null, res?: Res) => (err ? reject(err) : resolve(res as Res))));
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.backoff.maxAttempts) {
          throw err;
        }
        await this.sleep(backoffDelay(this.backoff, attempt));
      }
    }
  }

  /** One image, one response (unary RecognizeImage); a bad image rejects with a grpc.ServiceError. */
  recognizeImage(req: Frame, fields: RequestFields = {}, timeoutMs?: number): Promise<RecognizeResponse__Output> {
    const r = req instanceof Uint8Array ? request(req, fields) : req;
    return this.unary(this.stub.RecognizeImage as never, r, timeoutMs);
  }

  listPipelines(timeoutMs?: number): Promise<ListPipelinesResponse__Output> {
    return this.unary(this.stub.ListPipelines as never, {}, timeoutMs);
  }

  /** A pipeline's description; '' is the server's default pipeline. */
  getPipeline(name = '', timeoutMs?: number): Promise<Pipeline__Output> {
    return this.unary(this.stub.GetPipeline as never, { name }, timeoutMs);
  }

  /**
   * Streams frames through the bidirectional Recognize call and yields one response per frame, in
   * frame order. At most `maxInFlight` frames are outstanding; the next frame is only pulled from
   * `frames` when a slot frees up. Plain images (Uint8Array) get frame ids 0, 1, 2, ... and the
   * fields in `opts`. A bad frame yields a response whose `error` is set (see frameError) and the
   * stream goes on. When the connection is lost (UNAVAILABLE), or a frame is answered UNAVAILABLE
   * (e.g. the server is still loading its models), the client backs off exponentially, reconnects
   * and re-sends the frames not answered yet; after `backoff.maxAttempts` tries in a row a lost
   * connection throws and a per-frame UNAVAILABLE is passed through as that frame's error.
   * Breaking out of the loop cancels the call.
   */
  async *stream(frames: Iterable<Frame> | AsyncIterable<Frame>, opts: StreamOptions = {}):
    AsyncGenerator<RecognizeResponse__Output> {
    const { maxInFlight = 8, dropPolicy, signal, ...fields } = opts;
    if (maxInFlight < 1) {
      throw new RangeError('maxInFlight must be >= 1');
    }
    let counter = 0;
    const source = (async function* () {
      for await (const f of frames as AsyncIterable<Frame>) {
        const n = counter++;
        yield f instanceof Uint8Array ? request(f, { frameId: n, ...fields }) : f;
      }
    })();
    const pending: RecognizeRequest[] = []; // sent, not answered yet
    const carry: RecognizeRequest[] = []; // pulled while a call was failing: send on the next call
    let exhausted = false;
    let attempt = 0;
    try {
      for (;;) {
        if (!pending.length && !carry.length && exhausted) {
          return;
        }
        signal?.throwIfAborted();
        const resend = pending.slice();
        const call = this.stub.Recognize();
        const inbox = new Inbox<Event>();
        call.on('data', (resp: RecognizeResponse__Output) => inbox.push({ kind: 'data', resp }));
        call.on('end', () => inbox.push({ kind: 'end' }));
        call.on('error', (err) => inbox.push({ kind: 'error', err }));
        const onAbort = () => call.cancel();
        signal?.addEventListener('abort', onAbort);
        let slots = maxInFlight - resend.length;
        let wake: (() => void) | null = null;
        let done = false;
        const release = () => {
          slots++;
          const w = wake;
          wake = null;
          w?.();
        };
        const sender = (async () => {
          let first = true;
          const send = (r: RecognizeRequest) => {
            if (first && dropPolicy) {
              r = { ...r, streamOptions: { dropPolicy } };
            }
            first = false;
            call.write(r);
          };
          for (const r of resend) {
            send(r);
          }
          while (!done) {
            if (slots <= 0) {
              await new Promise<void>((res) => { wake = res; });
              continue;
            }
            let r: RecognizeRequest | undefined = carry.shift();
            if (!r) {
              if (exhausted) {
                call.end();
                return;
              }
              const n = await source.next();
              if (n.done) {
                exhausted = true;
                if (!done) {
                  call.end();
                }
                return;
              }
              r = n.value;
            }
            if (done) {
              carry.unshift(r);
              return;
            }
            slots--;
            pending.push(r);
            send(r);
          }
        })().catch((err) => {
          exhausted = true;
          inbox.push({ kind: 'error', err });
          call.cancel();
        });
        let retryErr: unknown = null;
        try {
          for (;;) {
            const ev = await inbox.shift();
            if (ev.kind === 'data') {
              if (ev.resp.error?.code === grpc.status.UNAVAILABLE && attempt < this.backoff.maxAttempts) {
                // The server could not take this frame just now (e.g. still loading its models):
                // back off, reconnect and re-send it and the frames after it.
                retryErr = new StreamClosedError(`frame ${ev.resp.frameId}: ${ev.resp.error.message}`);
                break;
              }
              attempt = 0;
              const dropped = new Set(ev.resp.droppedFrameIds.map(Number));
              if (dropped.size) {
                for (let i = pending.length - 1; i >= 0; i--) {
                  if (dropped.has(Number(pending[i].frameId ?? 0))) {
                    pending.splice(i, 1);
                    release();
                  }
                }
              }
              if (pending.length) {
                pending.shift();
                release();
              }
              yield ev.resp;
            } else if (ev.kind === 'end') {
              if (!pending.length && !carry.length && exhausted) {
                return;
              }
              retryErr = new StreamClosedError('stream ended with frames outstanding');
              break;
            } else {
              signal?.throwIfAborted();
              if (!isRetryable(ev.err) || attempt >= this.backoff.maxAttempts) {
                throw ev.err;
              }
              retryErr = ev.err;
              break;
            }
          }
        } finally {
          done = true;
          signal?.removeEventListener('abort', onAbort);
          const w = wake as (() => void) | null;
          wake = null;
          w?.();
          call.cancel();
          await sender; // the source is pulled by one sender at a time
        }
        if (retryErr) {
          if (attempt >= this.backoff.maxAttempts) {
            throw retryErr;
          }
          await this.sleep(backoffDelay(this.backoff, attempt));
          attempt++;
        }
      }
    } finally {
      await source.return(undefined);
    }
  }
}
