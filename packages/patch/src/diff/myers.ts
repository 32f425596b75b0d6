/**
 * @module Line diff (Myers' O(ND) algorithm, after trimming the common prefix and suffix). Lines
 * are compared with their terminators, so a CRLF→LF or final-newline change is a real change.
 * Past `maxEditDistance` the middle is reported as one replaced region: coarser, still exact.
 */

/** A maximal changed region: old lines `[oldFrom, oldTo)` became new lines `[newFrom, newTo)`. */
export type ChangeRegion = { oldFrom: number; oldTo: number; newFrom: number; newTo: number };

/** Bounds the trace memory (about 4·D² bytes) on pathological inputs. */
const DEFAULT_MAX_EDIT_DISTANCE = 2_000;

/**
 * Changed regions between two line arrays, in order.
 * @example diffLines(['a\n', 'b\n'], ['a\n', 'c\n']) // [{ oldFrom: 1, oldTo: 2, newFrom: 1, newTo: 2 }]
 */
export function diffLines(
  a: readonly string[],
  b: readonly string[],
  maxEditDistance = DEFAULT_MAX_EDIT_DISTANCE,
): ChangeRegion[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (
    suf < a.length - pre &&
    suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  )
    suf++;
  const ids = new Map<string, number>();
  const intern = (s: string) => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const x = Int32Array.from(a.slice(pre, a.length - suf), intern);
  const y = Int32Array.from(b.slice(pre, b.length - suf), intern);
  if (x.length === 0 && y.length === 0) return [];
  const moves = myers(x, y, maxEditDistance);
  if (!moves) return [{ oldFrom: pre, oldTo: pre + x.length, newFrom: pre, newTo: pre + y.length }];
  return regionsOf(moves, pre);
}

/** Per step of the edit script: 0 equal, 1 delete (old line), 2 insert (new line). */
type Script = Uint8Array;

function myers(a: Int32Array, b: Int32Array, maxD: number): Script | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && d <= maxD; d++) {
    // Snapshot of k in [-d-1, d+1] as it was before step d: all backtracking reads at step d.
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let px =
        k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!)
          ? v[off + k + 1]!
          : v[off + k - 1]! + 1;
      let py = px - k;
      while (px < n && py < m && a[px] === b[py]) {
        px++;
        py++;
      }
      v[off + k] = px;
      if (px >= n && py >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) return undefined;
  const script: number[] = [];
  let px = n;
  let py = m;
  for (let d = found; d >= 0; d--) {
    const snap = trace[d]!;
    const at = (k: number) => snap[k + d + 1]!;
    const k = px - py;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (px > prevX && py > prevY) {
      script.push(0);
      px--;
      py--;
    }
    if (d > 0) script.push(px === prevX ? 2 : 1);
    px = prevX;
    py = prevY;
  }
  return Uint8Array.from(script.reverse());
}

function regionsOf(script: Script, pre: number): ChangeRegion[] {
  const out: ChangeRegion[] = [];
  let i = pre;
  let j = pre;
  let open: ChangeRegion | undefined;
  for (const step of script) {
    if (step === 0) {
      if (open) out.push(open);
      open = undefined;
      i++;
      j++;
      continue;
    }
    open ??= { oldFrom: i, oldTo: i, newFrom: j, newTo: j };
    if (step === 1) open.oldTo = ++i;
    else open.newTo = ++j;
  }
  if (open) out.push(open);
  return out;
}
