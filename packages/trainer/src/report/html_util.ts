/** Escapes text for HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number in a few significant digits, for tables. */
export function fmt(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100
    ? v.toFixed(0)
    : a >= 1
      ? v.toFixed(2)
      : a >= 0.001
        ? v.toPrecision(2)
        : v.toExponential(1);
}

/** A fraction as a percentage with two decimals, or '' when absent. */
export function pct(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '' : `${(100 * v).toFixed(2)}%`;
}

/** Seconds as `1h02m`, `2m17s` or `41.3 s`. */
export function duration(s: number): string {
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${s.toFixed(1)} s`;
}

/** JSON safe to embed in a `<script>` element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}
