/**
 * @module Server-sent events as OpenAI-compatible streams send them (`data: {json}` events
 * separated by a blank line, `data: [DONE]` last). Tolerates CRLF, comments (`: ping`) and
 * multi-line data, which some providers and proxies emit.
 */

/**
 * Splits a growing buffer into complete events' data payloads; returns the unconsumed rest.
 * @example drainEvents('data: {"a":1}\n\ndata: [DO') // { data: ['{"a":1}'], rest: 'data: [DO' }
 */
export function drainEvents(buffer: string): { data: string[]; rest: string } {
  const normalized = buffer.includes('\r') ? buffer.replace(/\r\n?/g, '\n') : buffer;
  const data: string[] = [];
  let start = 0;
  for (;;) {
    const end = normalized.indexOf('\n\n', start);
    if (end < 0) break;
    const event = normalized.slice(start, end);
    start = end + 2;
    const lines: string[] = [];
    for (const line of event.split('\n')) {
      if (line.startsWith('data:')) lines.push(line.slice(line.charAt(5) === ' ' ? 6 : 5));
    }
    if (lines.length) data.push(lines.join('\n'));
  }
  return { data, rest: normalized.slice(start) };
}
