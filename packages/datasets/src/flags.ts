import { defineFlags, stringFlag } from '@igcnet/tensor';

/** The settings of @igcnet/datasets read from the environment: the only place it reads them. */
export const datasetsFlags = defineFlags('@igcnet/datasets', {
  baseUrl: stringFlag({
    env: 'IGCNET_DATASETS_BASE_URL',
    doc: "Fetch every dataset file from `<url>/<file name>` instead of its official URL (a mirror, or a test server); `downloadDataset`'s `baseUrl` option wins.",
    defaultText: 'unset: the official URLs',
  }),
  jpegWorker: stringFlag({
    env: 'IGCNET_JPEG_WORKER',
    doc: "The JPEG decode worker's script (tests running from source point it at a bundled one); `JpegPool`'s `workerUrl` option wins.",
    defaultText: '`jpeg-worker.js` beside the built package',
  }),
});
