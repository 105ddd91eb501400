#!/usr/bin/env node
// Packs every publishable package of the workspace (`pnpm pack`), installs only those tarballs
// with npm into a scratch folder outside the workspace (third-party dependencies come from the
// registry), and runs each package's README example there, the way a user who installs one
// package would. The example is the first ```js / ```ts (or ```sh) block after the line
//   <!-- example: runs in CI (scripts/pack-smoke.mjs) -->
// in the package's README. An example that needs another of our packages beside it (a backend:
// @igcnet/tensor ships none) names it in the marker, as the README's install line does:
//   <!-- example: runs in CI (scripts/pack-smoke.mjs) with @igcnet/cpu -->
//
// Then the backend contract, from outside: tests/outside-backend (a backend with its own storage
// that delegates every kernel to @igcnet/cpu, written with no casts) is copied beside the
// installed tarballs, type-checked there with its own tsconfig.json and the README examples
// marked with
//   <!-- backend example: type-checked in CI beside tests/outside-backend (scripts/pack-smoke.mjs) -->
// (in the root README and the packed READMEs; they import its ./my-backend.js), and its tests run:
// the whole conformance kit, as a backend author would run it. Its devDependencies that are not
// workspace packages (vitest, typescript, @types/node) are installed with the tarballs.
// Node built-ins only.
//
//   node scripts/pack-smoke.mjs [--keep]     (--keep leaves the scratch folder in place)
//
// Run it after `pnpm build`: it packs what is in each package's dist/.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MARKER = '<!-- example: runs in CI (scripts/pack-smoke.mjs) -->';
/** MARKER, optionally naming the workspace packages the example is installed with. */
const MARKER_LINE =
  /^<!-- example: runs in CI \(scripts\/pack-smoke\.mjs\)(?: with ((?:@[\w.-]+\/[\w.-]+)(?:,? @[\w.-]+\/[\w.-]+)*))? -->$/;
/**
 * Precedes a README block that must type-check beside tests/outside-backend's MyBackend; `as
 * FILE.ts` names the file it is written to (another example may import it; a `*.test.ts` runs
 * with the others), else it is `readme-<n>.ts`.
 */
export const BACKEND_MARKER =
  '<!-- backend example: type-checked in CI beside tests/outside-backend (scripts/pack-smoke.mjs) -->';
const BACKEND_MARKER_LINE =
  /^<!-- backend example: type-checked in CI beside tests\/outside-backend \(scripts\/pack-smoke\.mjs\)(?: as ([\w-]+(?:\.[\w-]+)*\.ts))? -->$/;
/** The outside backend's project, copied into the scratch folder (see the header). */
const OUTSIDE_DIR = join(ROOT, 'tests', 'outside-backend');
const OUTSIDE_FILES = ['src', 'tsconfig.json', 'vitest.config.ts'];
const EXAMPLE_TIMEOUT_MS = 180_000;
/** The outside backend's test run: the whole conformance kit (seconds on a laptop). */
const OUTSIDE_TIMEOUT_MS = 300_000;
const INSTALL_TIMEOUT_MS = 420_000;
const IS_WIN = process.platform === 'win32';
/**
 * Dependencies whose npm install scripts must run for our packages to work. npm 11 skips the
 * install scripts of dependencies not listed in the project's `allowScripts` (and rejects
 * `--allow-scripts` on a project install), so an entry here goes into the scratch package.json.
 * @igcnet/distributed compiles its Open MPI addon in its install script. No other is needed:
 * webgpu ships prebuilt Dawn binaries (its postinstall only clears macOS quarantine), sharp its
 * prebuilt binaries as optional dependencies (@img/sharp-*), and protobufjs' postinstall only
 * checks dependents' version ranges.
 */
const ALLOW_SCRIPTS = ['@igcnet/distributed'];

// ---- helpers -------------------------------------------------------------------------------------

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: IS_WIN,
    ...opts,
  });
  return {
    code: r.error ? -1 : (r.status ?? -1),
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''),
  };
}

/** Like `run`, but async so several examples can run at once. */
function runAsync(cmd, args, { timeout = EXAMPLE_TIMEOUT_MS, ...opts } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { shell: IS_WIN, ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\ntimed out after ${timeout / 1000} s`;
      done({ code: code ?? -1, signal, stdout, stderr });
    });
  });
}

function tail(text, lines = 15) {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** The first and last lines of an example's output, each cut to `width` characters. */
function excerpt(text, head = 8, last = 4, width = 160) {
  let lines = text.trimEnd().split('\n');
  if (lines.length > head + last + 1) {
    lines = [
      ...lines.slice(0, head),
      `… (${lines.length - head - last} more lines)`,
      ...lines.slice(-last),
    ];
  }
  return lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l)).join('\n');
}

function indent(text, prefix = '    ') {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** Lists the entries of a .tgz (ustar, with pax/GNU long names) and returns the file contents. */
export function readTarball(path) {
  const buf = gunzipSync(readFileSync(path));
  const files = new Map();
  let offset = 0;
  let longName = null;
  const str = (b) => {
    const z = b.indexOf(0);
    return b.subarray(0, z === -1 ? b.length : z).toString('utf8');
  };
  while (offset + 512 <= buf.length) {
    const header = buf.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(str(header.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = str(header.subarray(345, 500));
    let name = str(header.subarray(0, 100));
    if (prefix) name = `${prefix}/${name}`;
    const body = buf.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    if (type === 'L') {
      longName = str(body);
      continue;
    }
    if (type === 'g') continue;
    if (longName) {
      name = longName;
      longName = null;
    }
    if (type === '0' || type === '\0' || type === '7') files.set(name, body);
  }
  return files;
}

function workspacePackageDirs() {
  const yaml = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const section = /^packages:\s*\n((?:[ \t]+-.*\n?|[ \t]*#.*\n?|[ \t]*\n)*)/m.exec(yaml);
  if (!section) throw new Error('pnpm-workspace.yaml: no packages list');
  const patterns = [...section[1].matchAll(/-\s*['"]?([^'"\s#]+)['"]?/g)].map((m) => m[1]);
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    if (pattern.endsWith('/*')) {
      const parent = join(ROOT, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        if (entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json'))) {
          dirs.push(join(parent, entry.name));
        }
      }
    } else if (!pattern.includes('*') && existsSync(join(ROOT, pattern, 'package.json'))) {
      dirs.push(join(ROOT, pattern));
    } else {
      throw new Error(`pnpm-workspace.yaml: pattern '${pattern}' is not supported by pack-smoke`);
    }
  }
  return dirs;
}

const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

/** Every file a package.json entry point (main, types, exports, bin) names. */
function entryFiles(pkg) {
  const out = new Set();
  const add = (p) => {
    if (typeof p === 'string' && !p.includes('*')) out.add(p.replace(/^\.\//, ''));
  };
  add(pkg.main);
  add(pkg.types);
  add(pkg.typings);
  if (typeof pkg.bin === 'string') add(pkg.bin);
  else for (const p of Object.values(pkg.bin ?? {})) add(p);
  const walk = (v) => {
    if (typeof v === 'string') add(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(pkg.exports);
  return [...out];
}

/** Problems with a packed tarball, as readable sentences (empty: fine). */
export function checkTarball(files, versions) {
  const problems = [];
  const names = [...files.keys()].map((n) => n.replace(/^package\//, ''));
  const pkgJson = files.get('package/package.json');
  if (!pkgJson) return ['the tarball has no package/package.json'];
  const pkg = JSON.parse(pkgJson.toString('utf8'));
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (/^(workspace|link|file|portal|catalog):/.test(range)) {
        problems.push(
          `${field}.${dep} is '${range}' in the packed package.json (pnpm did not replace it)`,
        );
      } else if (field !== 'devDependencies' && versions.has(dep) && range !== versions.get(dep)) {
        problems.push(
          `${field}.${dep} is '${range}', but the workspace has ${dep}@${versions.get(dep)}`,
        );
      }
    }
  }
  if (!names.includes('README.md')) problems.push('README.md is not in the tarball');
  if (!names.some((n) => n.startsWith('dist/') && n.endsWith('.js'))) {
    problems.push('no dist/**/*.js in the tarball (run `pnpm build` first?)');
  }
  if (!names.some((n) => n.startsWith('dist/') && n.endsWith('.d.ts'))) {
    problems.push('no dist/**/*.d.ts in the tarball (run `pnpm build` first?)');
  }
  for (const entry of entryFiles(pkg)) {
    if (!names.includes(entry))
      problems.push(`'${entry}' (named in package.json) is not in the tarball`);
  }
  // Sources may ship (src/, for the stack traces and doc pointers below); tests may not.
  const leaked = names.filter(
    (n) =>
      /^(test|tests|__tests__|bench)\//.test(n) ||
      /(^|\/)__tests__\//.test(n) ||
      /\.(test|spec|bench)\.[cm]?[jt]sx?$/.test(n) ||
      /(^|\/)(vitest|tsup)\.config\./.test(n),
  );
  const imports = undeclaredDistImports(files, pkg);
  if (imports.length > 0) {
    problems.push(
      `${imports.join('; ')}, not in dependencies, peerDependencies or optionalDependencies ` +
        '(a devDependency, or missing: a user who installs only this package will not have it)',
    );
  }
  if (leaked.length > 0) {
    problems.push(
      `tests, benchmarks or build configs in the tarball: ${leaked.slice(0, 5).join(', ')}${leaked.length > 5 ? ', …' : ''}`,
    );
  }
  problems.push(...unresolvedSources(files, names), ...missingDocPaths(files, names));
  return problems;
}

/**
 * Source maps whose sources a stack trace or an editor cannot open: where the package ships
 * src/, every source a map names must be in the tarball; where it does not, the map must carry
 * the text (sourcesContent).
 */
function unresolvedSources(files, names) {
  const have = new Set(names);
  const shipsSources = names.some((n) => n.startsWith('src/'));
  const problems = [];
  for (const name of names) {
    if (!/^dist\/.*\.map$/.test(name)) continue;
    let map;
    try {
      map = JSON.parse(files.get(`package/${name}`).toString('utf8'));
    } catch {
      problems.push(`${name} is not JSON`);
      continue;
    }
    const missing = (map.sources ?? []).filter((src, i) => {
      const at = posix.normalize(posix.join(posix.dirname(name), src));
      return shipsSources ? !have.has(at) : typeof map.sourcesContent?.[i] !== 'string';
    });
    if (missing.length > 0) {
      problems.push(
        shipsSources
          ? `${name} names ${missing.slice(0, 3).join(', ')}, not in the tarball (stack traces would point at missing files)`
          : `${name} has no sourcesContent for ${missing.slice(0, 3).join(', ')} (and the package ships no src/)`,
      );
    }
  }
  return problems;
}

/**
 * Paths the shipped Markdown names in backticks (\`dist/core/backend.d.ts\`, \`src/core/…\`) that
 * are not in the tarball: dist/ paths always, src/ paths where the package ships src/ (a package
 * that does not describes its repository layout).
 */
function missingDocPaths(files, names) {
  const have = new Set(names);
  const shipsSources = names.some((n) => n.startsWith('src/'));
  const problems = [];
  for (const doc of names.filter((n) => !n.includes('/') && n.endsWith('.md'))) {
    const text = files.get(`package/${doc}`).toString('utf8');
    for (const m of text.matchAll(/`((?:src|dist)\/[\w./-]+\.[\w.]+)`/g)) {
      const path = m[1];
      if (path.startsWith('src/') && !shipsSources) continue;
      if (!have.has(path)) problems.push(`${doc} names \`${path}\`, which is not in the tarball`);
    }
  }
  return [...new Set(problems)];
}

/**
 * The first fenced code block at or after line index `from` of `lines`: { lang (as tagged, lower
 * case), body, line (1-based) }, or an error string.
 */
function codeBlockAfter(lines, from, file) {
  for (let i = from; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[2];
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim().startsWith(fence) && lines[j].trim().replace(/[`~]/g, '') === '') break;
      body.push(
        lines[j].slice(Math.min(open[1].length, lines[j].length - lines[j].trimStart().length)),
      );
    }
    if (j === lines.length) return `${file}: the code block at line ${i + 1} is not closed`;
    return { lang: open[3].toLowerCase(), body: `${body.join('\n')}\n`, line: i + 1 };
  }
  return `${file}: no code block after the example marker`;
}

/** The example block after MARKER: { lang, code, line, with } or an error string. */
export function extractExample(readme) {
  const lines = readme.split(/\r?\n/);
  const at = lines.findIndex((l) => MARKER_LINE.test(l.trim()));
  if (at === -1) return `README.md has no line '${MARKER}'`;
  const companions = (MARKER_LINE.exec(lines[at].trim())[1] ?? '').split(/,? /).filter(Boolean);
  const block = codeBlockAfter(lines, at + 1, 'README.md');
  if (typeof block === 'string') return block;
  const { lang, body, line } = block;
  if (['js', 'javascript', 'mjs', 'ts', 'typescript', 'mts'].includes(lang)) {
    return { lang: 'js', code: body, line, with: companions };
  }
  if (['sh', 'bash', 'shell', 'console'].includes(lang)) {
    return { lang: 'sh', code: body, line, with: companions };
  }
  return `README.md: the first code block after the example marker (line ${line}) is tagged '${lang}', not js, ts or sh`;
}

/**
 * Every TypeScript block after a BACKEND_MARKER line of `markdown` (from `file`): a list of
 * { code, line, as? }, or an error string.
 */
export function extractBackendExamples(markdown, file) {
  const lines = markdown.split(/\r?\n/);
  const out = [];
  for (let at = 0; at < lines.length; at++) {
    const marker = BACKEND_MARKER_LINE.exec(lines[at].trim());
    if (!marker) {
      if (lines[at].includes('<!-- backend example')) {
        return `${file}:${at + 1}: a backend example marker must read '${BACKEND_MARKER}' (optionally ending in 'as FILE.ts -->')`;
      }
      continue;
    }
    const block = codeBlockAfter(lines, at + 1, file);
    if (typeof block === 'string') return block;
    if (!['ts', 'typescript', 'mts'].includes(block.lang)) {
      return `${file}: the block after the backend example marker (line ${block.line}) is tagged '${block.lang}', not ts`;
    }
    out.push({ code: block.body, line: block.line, ...(marker[1] ? { as: marker[1] } : {}) });
  }
  return out;
}

/**
 * Module specifiers that `code` (JavaScript or a .d.ts) imports with a literal: static and dynamic
 * `import`, `export … from`, `require` (also tsup's `require2` from createRequire),
 * `require.resolve` and `/// <reference types>`. Specifiers built at run time are not seen.
 */
function importedSpecifiers(code) {
  return [
    ...code.matchAll(/\b(?:from|import)\s*['"]([^'"\n]+)['"]/g),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g),
    ...code.matchAll(/\brequire\d*(?:\.resolve)?\s*\(\s*['"]([^'"\n]+)['"]\s*[,)]/g),
    ...code.matchAll(/\/\/\/\s*<reference\s+types=['"]([^'"\n]+)['"]/g),
  ].map((m) => m[1]);
}

/** Bare specifiers among `specs` that are neither built-ins, `pkg` itself nor its dependencies. */
export function undeclared(specs, pkg) {
  const allowed = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const bad = [];
  for (const spec of specs) {
    if (/^(\.|\/|node:|data:|file:|https?:)/.test(spec)) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (builtinModules.includes(name) || allowed.has(name)) continue;
    bad.push(spec);
  }
  return [...new Set(bad)];
}

/** Bare modules the shipped dist files import that the packed package.json does not declare. */
function undeclaredDistImports(files, pkg) {
  const bad = new Map(); // specifier → first file
  for (const [name, body] of files) {
    if (!/^package\/dist\/.*\.([cm]?js|d\.[cm]?ts)$/.test(name)) continue;
    for (const spec of undeclared(importedSpecifiers(body.toString('utf8')), pkg)) {
      if (!bad.has(spec)) bad.set(spec, name.replace(/^package\//, ''));
    }
  }
  return [...bad].map(([spec, file]) => `${file} imports '${spec}'`);
}

// ---- the outside backend -------------------------------------------------------------------------

/**
 * tests/outside-backend against the installed tarballs: copied into `appDir/outside-backend`
 * with the backend examples (as src/readme-<n>.ts, beside its my-backend.ts), type-checked with
 * its tsconfig.json, its tests run with vitest (the whole conformance kit), and the kit called
 * under plain node, where it must say to run it under vitest. Resolves to a result like the
 * examples' ({ name, ok, ms?, message?, stdout? }).
 */
async function outsideBackend(appDir, env, examples) {
  const name = 'outside backend (tests/outside-backend)';
  const start = Date.now();
  const dir = join(appDir, 'outside-backend');
  for (const f of OUTSIDE_FILES) cpSync(join(OUTSIDE_DIR, f), join(dir, f), { recursive: true });
  const taken = new Set(readdirSync(join(dir, 'src')));
  const written = [];
  for (const [i, e] of examples.entries()) {
    const file = e.as ?? `readme-${i + 1}.ts`;
    if (taken.has(file)) {
      return {
        name,
        ok: false,
        message: `${e.from}:${e.line}: the example's file name ${file} is taken in ${relative(appDir, dir)}/src`,
      };
    }
    taken.add(file);
    writeFileSync(
      join(dir, 'src', file),
      `// From ${e.from}, the code block at line ${e.line}.\n${e.code}`,
    );
    written.push(`${file} (${e.from}:${e.line})`);
  }
  const bin = (tool) => join(appDir, 'node_modules', '.bin', tool);
  const tsc = await runAsync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: dir, env });
  if (tsc.code !== 0) {
    return {
      name,
      ok: false,
      message: `tsc -p tsconfig.json failed (examples: ${written.join(', ') || 'none'}):\n${tail(tsc.stdout || tsc.stderr, 25)}`,
    };
  }
  const vitest = await runAsync(bin('vitest'), ['run'], {
    cwd: dir,
    env: { ...env, CI: 'true', NO_COLOR: '1' },
    timeout: OUTSIDE_TIMEOUT_MS,
  });
  const summary = vitest.stdout
    .split('\n')
    .filter((l) => /^\s*(Test Files|Tests)\s/.test(l))
    .map((l) => l.trim());
  if (vitest.code !== 0) {
    return {
      name,
      ok: false,
      message: `vitest run failed:\n${tail(vitest.stdout + vitest.stderr, 30)}`,
    };
  }
  // The kit under plain node: an error that says what to do, not vitest's internals.
  const plain = await runAsync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { runBackendConformance } from '@igcnet/tensor/testing'; runBackendConformance({ name: 'x', factory: () => { throw new Error('unused'); } });",
    ],
    { cwd: appDir, env },
  );
  const advice = 'call it at the top level of a test file';
  if (plain.code === 0 || !plain.stderr.includes(advice)) {
    return {
      name,
      ok: false,
      message: `the kit under plain node exited with ${plain.code} without saying '${advice}':\n${tail(plain.stderr || plain.stdout)}`,
    };
  }
  return {
    name,
    ok: true,
    ms: Date.now() - start,
    stdout: [
      `type-checked with ${written.length} README backend examples: ${written.join(', ')}`,
      ...summary,
      'under plain node the kit says to run it under vitest',
    ].join('\n'),
  };
}

// ---- main ----------------------------------------------------------------------------------------

async function main(argv) {
  const KEEP = argv.includes('--keep');
  const unknownArgs = argv.filter((a) => a !== '--keep');
  if (unknownArgs.length > 0) {
    console.error(
      `pack-smoke: unknown argument(s) ${unknownArgs.join(' ')} (usage: pack-smoke.mjs [--keep])`,
    );
    return 2;
  }
  const t0 = Date.now();
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'igc-pack-smoke-')));
  if (!relative(ROOT, scratch).startsWith('..')) {
    console.error(`pack-smoke: the scratch folder ${scratch} is inside the workspace ${ROOT}`);
    return 2;
  }
  const tarballDir = join(scratch, 'tarballs');
  const appDir = join(scratch, 'app');
  mkdirSync(tarballDir);
  mkdirSync(appDir);

  /** name → { dir, pkg, tarball?, error? } */
  const packages = [];
  const results = []; // { name, ok, ms?, message? }
  let exitCode = 0;

  try {
    for (const dir of workspacePackageDirs()) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.private) continue;
      packages.push({ dir, pkg, name: pkg.name });
    }
    const versions = new Map(packages.map((p) => [p.name, p.pkg.version]));
    /** { code, line, from } of every backend example, the root README's first. */
    const backendExamples = [];
    const rootExamples = extractBackendExamples(
      readFileSync(join(ROOT, 'README.md'), 'utf8'),
      'README.md',
    );
    if (typeof rootExamples === 'string') throw new Error(rootExamples);
    backendExamples.push(...rootExamples.map((e) => ({ ...e, from: 'README.md' })));
    // What the outside backend's project installs beside the tarballs (vitest, typescript, …).
    const outsidePkg = JSON.parse(readFileSync(join(OUTSIDE_DIR, 'package.json'), 'utf8'));
    const outsideDeps = Object.entries(outsidePkg.devDependencies ?? {})
      .filter(([name]) => !versions.has(name))
      .map(([name, range]) => `${name}@${range}`);
    console.log(`pack-smoke: ${packages.length} packages, scratch folder ${scratch}`);

    // 1. Pack.
    for (const p of packages) {
      const before = new Set(readdirSync(tarballDir));
      const r = run('pnpm', ['pack', '--pack-destination', tarballDir], { cwd: p.dir });
      const added = readdirSync(tarballDir).filter((f) => !before.has(f) && f.endsWith('.tgz'));
      if (r.code !== 0 || added.length !== 1) {
        p.error = `pnpm pack failed in ${relative(ROOT, p.dir)} (exit ${r.code}):\n${tail(r.stderr || r.stdout)}`;
        continue;
      }
      p.tarball = join(tarballDir, added[0]);
      const files = readTarball(p.tarball);
      const problems = checkTarball(files, versions);
      if (problems.length > 0) {
        p.error = `bad tarball ${added[0]}:\n${problems.map((s) => `  - ${s}`).join('\n')}`;
        continue;
      }
      p.packed = JSON.parse(files.get('package/package.json').toString('utf8'));
      const readme = files.get('package/README.md').toString('utf8');
      const example = extractExample(readme);
      if (typeof example === 'string') {
        p.error = example;
        continue;
      }
      const unknown = example.with.filter((n) => !versions.has(n));
      if (unknown.length > 0) {
        p.error = `README.md example marker names ${unknown.join(', ')}, which is not a package of this workspace`;
        continue;
      }
      const extra =
        example.lang === 'js'
          ? undeclared(importedSpecifiers(example.code), p.packed).filter(
              (spec) => !example.with.some((n) => spec === n || spec.startsWith(`${n}/`)),
            )
          : [];
      if (extra.length > 0) {
        p.error = `README.md example (line ${example.line}) imports ${extra.join(', ')}, which ${p.name} does not depend on (a user who installs only ${p.name} would not have it; a package installed beside it goes in the example marker: 'with ${extra[0]}')`;
        continue;
      }
      p.example = example;
      for (const doc of ['README.md', 'BACKENDS.md']) {
        const text = files.get(`package/${doc}`)?.toString('utf8');
        if (text === undefined) continue;
        const found = extractBackendExamples(text, `${p.name}/${doc}`);
        if (typeof found === 'string') p.error = found;
        else backendExamples.push(...found.map((e) => ({ ...e, from: `${p.name}/${doc}` })));
      }
    }
    const tarballsOk = packages.filter((p) => p.tarball);
    console.log(`packed ${tarballsOk.length}/${packages.length} in ${Date.now() - t0} ms`);

    // 2. Install the tarballs (all of them that packed, so a bad example does not hide an install
    //    problem of another package) with npm, in one command.
    writeFileSync(
      join(appDir, 'package.json'),
      `${JSON.stringify(
        {
          name: 'igc-pack-smoke',
          version: '1.0.0',
          private: true,
          type: 'module',
          ...(ALLOW_SCRIPTS.length > 0
            ? { allowScripts: Object.fromEntries(ALLOW_SCRIPTS.map((n) => [n, true])) }
            : {}),
        },
        null,
        2,
      )}\n`,
    );
    const tInstall = Date.now();
    const npmArgs = [
      'install',
      '--no-audit',
      '--no-fund',
      ...tarballsOk.map((p) => p.tarball),
      ...outsideDeps,
    ];
    // Keep pnpm's script environment (npm_config_* and friends) away from npm.
    const npmEnv = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !/^(npm_(config|package|lifecycle)_|pnpm_config_)/i.test(k) ||
          /^npm_config_(registry|cache|userconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i.test(
            k,
          ),
      ),
    );
    let installError = null;
    if (tarballsOk.length > 0) {
      const r = run('npm', npmArgs, { cwd: appDir, env: npmEnv, timeout: INSTALL_TIMEOUT_MS });
      const output = `${r.stdout}\n${r.stderr}`;
      if (r.code !== 0) {
        installError = 'not run: npm install failed (above)';
        console.log(
          `npm install failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}): npm ${npmArgs.join(' ')}\n${indent(tail(output, 25))}`,
        );
      } else {
        console.log(`npm install of ${tarballsOk.length} tarballs: ${Date.now() - tInstall} ms`);
        // npm 11 lists the dependencies whose install scripts it skipped ("npm warn install-scripts
        //   name@version (postinstall: …)"); the examples below show that none is needed.
        const skipped = [...output.matchAll(/install-scripts\s+(\S+@\S+) \((\w+):/g)].map(
          (m) => `${m[1]} (${m[2]})`,
        );
        if (skipped.length > 0) {
          console.log(
            `npm skipped the install scripts of ${skipped.join(', ')} (not in allowScripts)`,
          );
        }
        // Our packages must come from the tarballs, never from the registry.
        const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8'));
        for (const p of tarballsOk) {
          const entries = Object.entries(lock.packages ?? {}).filter(([k]) =>
            k.endsWith(`node_modules/${p.name}`),
          );
          const fromElsewhere = entries.filter(
            ([, v]) => !String(v.resolved ?? '').startsWith('file:'),
          );
          if (entries.length === 0) {
            p.error ??= `${p.name} is not in node_modules after npm install`;
          } else if (fromElsewhere.length > 0) {
            p.error ??= `${p.name} was installed from ${fromElsewhere[0][1].resolved ?? '?'} at ${fromElsewhere[0][0]}, not from its tarball (version mismatch between packages?)`;
          }
        }
      }
    }

    // 3. Run the examples (in parallel: they are independent).
    const env = { ...npmEnv };
    env.PATH = [join(appDir, 'node_modules', '.bin'), env.PATH].filter(Boolean).join(delimiter);
    // WebGPU in Node (Dawn) on machines without a GPU: SwiftShader's Vulkan ICD (see DEVELOPERS.md).
    const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
    if (!env.VK_ICD_FILENAMES && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;
    if (!env.XDG_RUNTIME_DIR && process.platform === 'linux') env.XDG_RUNTIME_DIR = tmpdir();

    const jobs = packages.map(async (p) => {
      if (installError) return { name: p.name, ok: false, message: installError };
      if (p.error) return { name: p.name, ok: false, message: p.error };
      const short = p.name.replace(/^@[^/]+\//, '');
      const file = join(appDir, `${short}-example.${p.example.lang === 'sh' ? 'sh' : 'mjs'}`);
      writeFileSync(file, p.example.code);
      const start = Date.now();
      const r =
        p.example.lang === 'sh'
          ? await runAsync('sh', ['-ec', p.example.code], { cwd: appDir, env })
          : await runAsync(process.execPath, [file], { cwd: appDir, env });
      const ms = Date.now() - start;
      if (r.code !== 0) {
        let message = `${basename(file)} exited with ${r.signal ?? r.code}:\n${tail(r.stderr || r.stdout)}`;
        if (/SyntaxError/.test(r.stderr) && p.example.lang === 'js') {
          message +=
            '\n(README examples run as plain JavaScript: no type annotations, `!` or `as`.)';
        }
        return { name: p.name, ok: false, message };
      }
      if (r.stdout.trim() === '') {
        return { name: p.name, ok: false, message: `${basename(file)} printed nothing` };
      }
      return { name: p.name, ok: true, ms, stdout: r.stdout };
    });
    jobs.push(
      installError
        ? Promise.resolve({ name: 'outside backend', ok: false, message: installError })
        : outsideBackend(appDir, env, backendExamples),
    );
    for (const r of await Promise.all(jobs)) {
      results.push(r);
      if (r.ok) {
        console.log(`ok ${r.name} (${r.ms} ms)`);
        console.log(indent(excerpt(r.stdout)));
      } else {
        console.log(`FAIL ${r.name}: ${r.message}`);
      }
    }
  } catch (e) {
    console.error(`pack-smoke: ${e instanceof Error ? e.stack : String(e)}`);
    exitCode = 1;
  } finally {
    if (KEEP) console.log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || exitCode !== 0 || results.length === 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
