/** Tiny on-disk datasets for the CLI tests. Not part of the public API. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'igc-cli-'));
}

/** A cifar-10-batches-bin folder whose test batch has the given labels. */
export async function cifar10Folder(labels: number[]): Promise<string> {
  const root = join(await tempDir(), 'cifar-10-batches-bin');
  await mkdir(root);
  await writeFile(
    join(root, 'batches.meta.txt'),
    'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n',
  );
  const batch = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    batch[i * 3073] = l;
    batch.fill((i * 40) % 256, i * 3073 + 1, (i + 1) * 3073);
  });
  await writeFile(join(root, 'test_batch.bin'), batch);
  return root;
}
