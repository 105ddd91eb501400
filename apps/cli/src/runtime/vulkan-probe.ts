import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What the probe needs from the system; tests give their own. */
export interface ProbeSystem {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** Whether a path exists (a file or a folder). */
  exists(path: string): boolean;
  /** The JSON manifests in a folder (none when it is missing or unreadable). */
  manifests(dir: string): string[];
}

/** The real machine. */
export function realSystem(): ProbeSystem {
  return {
    platform: process.platform,
    env: process.env,
    exists: existsSync,
    manifests(dir) {
      try {
        return readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
    },
  };
}

/** Where a Linux system keeps `libvulkan.so.1`, after `LD_LIBRARY_PATH`. */
const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/lib64',
  '/usr/lib',
  '/lib',
  '/usr/local/lib',
];

const split = (v: string | undefined, fallback: string) =>
  (v === undefined || v === '' ? fallback : v).split(delimiter).filter((p) => p !== '');

/** The folders the Vulkan loader searches for driver manifests (its Linux search order). */
function icdDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? homedir();
  const config = [
    env.XDG_CONFIG_HOME ?? join(home, '.config'),
    ...split(env.XDG_CONFIG_DIRS, '/etc/xdg'),
  ];
  const data = [
    env.XDG_DATA_HOME ?? join(home, '.local', 'share'),
    ...split(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
  ];
  return [...config, '/etc', ...data].map((d) => join(d, 'vulkan', 'icd.d'));
}

/**
 * Why Dawn cannot find a Vulkan driver on this machine, or undefined when it may. Linux only
 * (elsewhere Dawn uses Metal or Direct3D): a Vulkan loader must be installed and a driver
 * manifest (ICD) present, where `VK_DRIVER_FILES`/`VK_ICD_FILENAMES` say or where the loader
 * looks by default. Checked before Dawn loads, because Dawn and the loader print their own
 * warnings (`vkCreateInstance: Found no drivers!`) to stderr when there is none.
 */
export function missingVulkan(sys: ProbeSystem = realSystem()): string | undefined {
  if (sys.platform !== 'linux') return undefined;
  const libDirs = [...split(sys.env.LD_LIBRARY_PATH, ''), ...LIB_DIRS];
  if (!libDirs.some((d) => sys.exists(join(d, 'libvulkan.so.1'))))
    return 'no Vulkan loader (libvulkan.so.1) is installed';
  const named = sys.env.VK_DRIVER_FILES ?? sys.env.VK_ICD_FILENAMES;
  if (named !== undefined && named !== '') {
    const variable = sys.env.VK_DRIVER_FILES !== undefined ? 'VK_DRIVER_FILES' : 'VK_ICD_FILENAMES';
    const paths = split(named, '');
    const found = paths.some((p) =>
      p.endsWith('.json') ? sys.exists(p) : sys.manifests(p).length > 0,
    );
    return found ? undefined : `${variable}=${named} names no Vulkan driver manifest that exists`;
  }
  const extra = split(sys.env.VK_ADD_DRIVER_FILES, '');
  if (extra.some((p) => sys.exists(p))) return undefined;
  if (icdDirs(sys.env).some((d) => sys.manifests(d).length > 0)) return undefined;
  return 'no Vulkan driver (ICD manifest) is installed';
}
