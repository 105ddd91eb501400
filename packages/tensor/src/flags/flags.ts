/**
 * Typed tuning flags (as tfjs's `ENV.registerFlag`): each package declares its flags once, with
 * type, default and a sentence on what each trades, in one registry that is the only place its
 * environment variables are read. Values come from a programmatic override (`set`), else the
 * environment variable (Node; browsers have none), else the default. The environment is read at
 * each `get`, so a test or benchmark may change a variable between calls; a value that does not
 * parse is an error naming the variable and what it accepts.
 */

/** How one flag is declared. */
export interface FlagSpec<T> {
  /** The environment variable that sets it, e.g. `IGCNET_CPU_THREADS`. */
  readonly env: string;
  /** What it trades, in a sentence (listed in the package README). */
  readonly doc: string;
  /** The default, or a function of the machine computing it. */
  readonly default: T | (() => T);
  /** The default as the README states it (defaults to the value itself). */
  readonly defaultText?: string;
  /** What the variable accepts, for error messages and the README. */
  readonly accepts: string;
  /** Parses the variable's text; undefined when it is not acceptable. */
  parse(raw: string): T | undefined;
}

/** The value type of a flag spec. */
export type FlagValue<S> = S extends FlagSpec<infer T> ? T : never;

/** One row of a registry's documentation. */
export interface FlagRow {
  name: string;
  env: string;
  accepts: string;
  default: string;
  doc: string;
}

type Env = Record<string, string | undefined>;

/** Node's environment, or nothing where there is no `process` (browsers). */
function environment(): Env | undefined {
  return (globalThis as { process?: { env?: Env } }).process?.env;
}

/** An integer flag, at least `min`. */
export function intFlag(o: {
  env: string;
  doc: string;
  default: number | (() => number);
  defaultText?: string;
  min: number;
}): FlagSpec<number> {
  return {
    ...o,
    accepts: `an integer ≥ ${o.min}`,
    parse: (raw) => {
      const v = Number(raw);
      return /^\s*[-+]?\d+\s*$/.test(raw) && v >= o.min ? v : undefined;
    },
  };
}

/** A boolean flag: `1`/`true` or `0`/`false`. */
export function boolFlag(o: { env: string; doc: string; default: boolean }): FlagSpec<boolean> {
  return {
    ...o,
    accepts: '1 or 0 (true or false)',
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if (v === '1' || v === 'true') return true;
      if (v === '0' || v === 'false') return false;
      return undefined;
    },
  };
}

/** A flag taking one of `values`. */
export function enumFlag<const V extends string>(o: {
  env: string;
  doc: string;
  default: V;
  values: readonly V[];
}): FlagSpec<V> {
  return {
    env: o.env,
    doc: o.doc,
    default: o.default,
    accepts: `one of ${o.values.join(', ')}`,
    parse: (raw) => o.values.find((v) => v === raw.trim()),
  };
}

/** A free-text flag (a URL, a path); undefined when unset. */
export function stringFlag(o: {
  env: string;
  doc: string;
  defaultText: string;
}): FlagSpec<string | undefined> {
  return { ...o, default: undefined, accepts: 'text', parse: (raw) => raw };
}

/** A package's flags: declared once, read through `get`. */
export class Flags<S extends Record<string, FlagSpec<unknown>>> {
  private readonly overrides = new Map<keyof S, unknown>();

  /** @param owner the package, named in errors. */
  constructor(
    readonly owner: string,
    readonly specs: S,
  ) {}

  /** The flag's value: the override, else the environment variable, else the default. */
  get<K extends keyof S & string>(name: K): FlagValue<S[K]> {
    if (this.overrides.has(name)) return this.overrides.get(name) as FlagValue<S[K]>;
    const spec = this.specs[name]!;
    const raw = environment()?.[spec.env];
    if (raw !== undefined && raw !== '') {
      const v = spec.parse(raw);
      if (v === undefined) {
        throw new Error(
          `${this.owner}: environment variable ${spec.env}='${raw}' is not valid; expected ${spec.accepts}`,
        );
      }
      return v as FlagValue<S[K]>;
    }
    const d = spec.default;
    return (typeof d === 'function' ? (d as () => unknown)() : d) as FlagValue<S[K]>;
  }

  /** Overrides a flag in this process (tests, benchmarks); `undefined` goes back to the environment. */
  set<K extends keyof S & string>(name: K, value: FlagValue<S[K]> | undefined): void {
    if (value === undefined) this.overrides.delete(name);
    else this.overrides.set(name, value);
  }

  /**
   * The flags as a Markdown table: variable, what it accepts, default, what it trades. Each
   * package README includes it (a test with {@link missingFrom} keeps the two equal).
   */
  markdown(): string {
    const cell = (s: string): string => s.replaceAll('|', '\\|');
    const lines = ['| variable | accepts | default | what it does |', '| --- | --- | --- | --- |'];
    for (const r of this.rows()) {
      lines.push(`| \`${r.env}\` | ${cell(r.accepts)} | ${cell(r.default)} | ${cell(r.doc)} |`);
    }
    return lines.join('\n');
  }

  /**
   * The lines of {@link markdown} that `readme` lacks (empty: it documents every flag as
   * declared). Column padding is ignored, so a formatter may align the table.
   */
  missingFrom(readme: string): string[] {
    const squeeze = (line: string): string =>
      line
        .trim()
        .replace(/\s*\|\s*/g, '|')
        .replace(/\|-{3,}(?=\|)/g, '|---');
    const have = new Set(readme.split('\n').map(squeeze));
    return this.markdown()
      .split('\n')
      .filter((line) => !have.has(squeeze(line)));
  }

  /** Every flag, for documentation. */
  rows(): FlagRow[] {
    return Object.entries(this.specs).map(([name, s]) => ({
      name,
      env: s.env,
      accepts: s.accepts,
      default: s.defaultText ?? String(s.default),
      doc: s.doc,
    }));
  }
}

/** Declares a package's flags (see {@link Flags}). */
export function defineFlags<S extends Record<string, FlagSpec<unknown>>>(
  owner: string,
  specs: S,
): Flags<S> {
  return new Flags(owner, specs);
}
