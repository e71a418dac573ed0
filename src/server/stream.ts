// Streamed answers (Reply.stream: AWS event streams such as Kinesis SubscribeToShard), the same for every transport:
// each chunk is written as the service yields it, the next one is asked for only once the client has read what came
// before (backpressure), and the service's iterable is stopped (return()) when the client goes away. A stream is a
// legitimate long answer, not a slow client: no deadline runs while the service works on it (ADR 0014); only a
// client that stops reading is timed (the transports' stalled deadline).

export interface StreamSink {
  /** Writes one chunk; false when the client has not read what came before (wait for drained()). */
  write(chunk: Uint8Array): boolean;
  /** Resolves once the client has read what was written, or has gone away. */
  drained(): Promise<void>;
  /** The client went away (or the connection was closed). */
  gone(): boolean;
  /** The stream's end (HTTP/1.1: the last chunk; HTTP/2: END_STREAM), when the client is still there. */
  end(): void;
}

/** Writes the chunks into the sink until they end or the client goes; never rejects. */
export async function pumpStream(chunks: AsyncIterable<Uint8Array>, sink: StreamSink): Promise<void> {
  const it = chunks[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        finished = true;
        break;
      }
      if (sink.gone()) break;
      if (!sink.write(r.value)) await sink.drained();
      if (sink.gone()) break;
    }
  } catch {
    // The service failed after the head went out: nothing more can be said on this answer but its end. (Services
    // put their errors into the stream themselves, as AWS's exception events.)
    finished = true;
  }
  if (!finished) {
    try {
      await it.return?.();
    } catch {
      // stopping a stream whose client left: nothing to report
    }
  }
  if (!sink.gone()) sink.end();
}
