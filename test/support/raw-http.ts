import { connect } from 'node:net';

export interface RawResponse {
  /** The HTTP status; 0 when no answer came in time, -1 when the connection failed before any answer. */
  status: number;
  headers: Record<string, string>;
  /** The body of an error answer (status >= 400); success bodies are not read (some are endless streams). */
  body: string;
  error?: string;
}

/**
 * One HTTP/1.1 exchange written byte for byte on a fresh socket: fetch and
 * node:http refuse to send what a hostile client sends (a Content-Length the
 * body does not match, raw bytes in the path, an unknown method), and those
 * are what the edge has to answer. `halfClose` ends the writing side after the
 * request, so a body shorter than its Content-Length reaches the server as EOF.
 */
export function rawExchange(
  port: number,
  request: Buffer,
  options: { halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (response: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const timer = setTimeout(
      () =>
        finish({ ...(parse(Buffer.concat(chunks), true) ?? { status: 0, headers: {}, body: '' }), error: 'timeout' }),
      options.timeoutMs ?? 15_000,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const response = parse(Buffer.concat(chunks), false);
      if (response) finish(response);
    });
    const atEnd = (error?: Error) => {
      const response = parse(Buffer.concat(chunks), true);
      finish(response ?? { status: -1, headers: {}, body: '', error: error?.message ?? 'closed without an answer' });
    };
    socket.on('end', () => atEnd());
    socket.on('close', () => atEnd());
    socket.on('error', (error) => atEnd(error));
    socket.write(request, () => {
      if (options.halfClose) socket.end();
    });
  });
}

/** The response in `data`, once complete (or `ended`): headers alone for a success, the whole body for an error. */
function parse(data: Buffer, ended: boolean): RawResponse | undefined {
  const headerEnd = data.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const lines = data.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? -1);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // An informational answer (100 Continue) comes before the real one.
  if (status >= 100 && status < 200) return parse(data.subarray(headerEnd + 4), ended);
  if (status < 400) return { status, headers, body: '' };
  const rest = data.subarray(headerEnd + 4);
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length < length && !ended) return undefined;
    return { status, headers, body: rest.subarray(0, length).toString('utf8') };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const body = dechunk(rest);
    if (body === undefined && !ended) return undefined;
    return { status, headers, body: body ?? rest.toString('utf8') };
  }
  return ended ? { status, headers, body: rest.toString('utf8') } : undefined;
}

function dechunk(data: Buffer): string | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts).toString('utf8');
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
