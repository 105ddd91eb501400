import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../../test/global-setup.js';
import { tempDir } from '../commands/test-fixtures.js';
import { missingVulkan, type ProbeSystem } from './vulkan-probe.js';

function system(files: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') {
  const set = new Set(files);
  const sys: ProbeSystem = {
    platform,
    env: { HOME: '/home/u', ...env },
    exists: (p) => set.has(p) || files.some((f) => f.startsWith(`${p}/`)),
    manifests: (d) => files.filter((f) => f.startsWith(`${d}/`) && f.endsWith('.json')),
  };
  return sys;
}

const LOADER = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';

describe('missingVulkan', () => {
  it('finds a driver named by VK_ICD_FILENAMES, or one in the default folders', () => {
    const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
    expect(missingVulkan(system([LOADER, icd], { VK_ICD_FILENAMES: icd }))).toBeUndefined();
    const dflt = '/usr/share/vulkan/icd.d/nvidia_icd.json';
    expect(missingVulkan(system([LOADER, dflt], {}))).toBeUndefined();
    const home = '/home/u/.local/share/vulkan/icd.d/x.json';
    expect(missingVulkan(system([LOADER, home], {}))).toBeUndefined();
  });

  it('says what is missing', () => {
    expect(missingVulkan(system([], {}))).toBe('no Vulkan loader (libvulkan.so.1) is installed');
    expect(missingVulkan(system([LOADER], {}))).toBe(
      'no Vulkan driver (ICD manifest) is installed',
    );
    expect(missingVulkan(system([LOADER], { VK_ICD_FILENAMES: '/nonexistent.json' }))).toBe(
      'VK_ICD_FILENAMES=/nonexistent.json names no Vulkan driver manifest that exists',
    );
    expect(missingVulkan(system([LOADER, '/empty/'], { VK_DRIVER_FILES: '/empty' }))).toMatch(
      /^VK_DRIVER_FILES=\/empty names no Vulkan driver manifest/,
    );
  });

  it('leaves other platforms to Dawn (Metal, Direct3D)', () => {
    expect(missingVulkan(system([], {}, 'darwin'))).toBeUndefined();
    expect(missingVulkan(system([], {}, 'win32'))).toBeUndefined();
  });
});

describe('the automatic backend choice without a Vulkan driver (spawned)', () => {
  const run = async (icd: string) => {
    const cwd = await tempDir();
    return spawnSync(
      process.execPath,
      [
        CLI_BUNDLE,
        'train',
        '--train-limit',
        '8',
        '--test-limit',
        '8',
        '--batch-size',
        '8',
        '--json',
      ],
      {
        cwd,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, VK_ICD_FILENAMES: icd, XDG_RUNTIME_DIR: '/tmp' },
      },
    );
  };

  for (const [what, icd] of [
    ['an ICD file that does not exist', '/nonexistent/vk_icd.json'],
    ['an empty ICD folder', 'EMPTY'],
  ] as const) {
    it(`prints only our one line about the backend: ${what}`, async () => {
      let path: string = icd;
      if (icd === 'EMPTY') {
        path = join(await tempDir(), 'icd.d');
        await mkdir(path);
        await writeFile(join(path, 'README'), 'no manifests here');
      }
      const r = await run(path);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).backend).toBe('cpu');
      const lines = r.stderr.split('\n');
      const ours = lines.filter((l) => l.startsWith('auto:'));
      expect(ours).toHaveLength(1);
      // Without libvulkan1 installed, the loader is what is missing.
      expect([
        `auto: WebGPU skipped (VK_ICD_FILENAMES=${path} names no Vulkan driver manifest that exists); using the CPU backend`,
        'auto: WebGPU skipped (no Vulkan loader (libvulkan.so.1) is installed); using the CPU backend',
      ]).toContain(ours[0]);
      expect(r.stderr).not.toMatch(/Warning|vkCreateInstance|VulkanError|CheckVkSuccess|\.cpp/);
    });
  }
});
