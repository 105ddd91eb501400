/**
 * Reads a dropped or chosen image as 28×28 grey levels (0 black … 255 white), as `igc predict`
 * does (resized to 28×28, greyscale, no crop): a 28×28 grey PNG gives the same pixels exactly.
 * MNIST digits are light on dark; with `invertLight`, an image whose mean is light (ink on paper)
 * is inverted.
 */
export async function imageToMnist(
  file: Blob,
  invertLight: boolean,
): Promise<{ pixels: Float32Array; inverted: boolean }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (e) {
    throw new Error(`not a readable image (${(e as Error).message})`);
  }
  const c = document.createElement('canvas');
  c.width = 28;
  c.height = 28;
  const g = c.getContext('2d', { willReadFrequently: true })!;
  g.imageSmoothingQuality = 'high';
  g.drawImage(bitmap, 0, 0, 28, 28);
  bitmap.close();
  const px = g.getImageData(0, 0, 28, 28).data;
  const pixels = new Float32Array(784);
  let sum = 0;
  for (let i = 0; i < 784; i++) {
    const [r, gr, b, a] = [px[i * 4]!, px[i * 4 + 1]!, px[i * 4 + 2]!, px[i * 4 + 3]!];
    // Rec. 709 luma, as sharp's greyscale; transparent pixels count as the dark background.
    const v = r === gr && gr === b ? r : Math.round(0.2126 * r + 0.7152 * gr + 0.0722 * b);
    pixels[i] = (v * a) / 255;
    sum += pixels[i]!;
  }
  const inverted = invertLight && sum / 784 > 127;
  if (inverted) for (let i = 0; i < 784; i++) pixels[i] = 255 - pixels[i]!;
  return { pixels, inverted };
}

/** Shows 28×28 grey levels on a canvas (any size; drawn with square pixels). */
export function showPixels(canvas: HTMLCanvasElement, pixels: Float32Array): void {
  const small = new ImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = pixels[i]!;
    small.data.set([v, v, v, 255], i * 4);
  }
  const tmp = document.createElement('canvas');
  tmp.width = 28;
  tmp.height = 28;
  tmp.getContext('2d')!.putImageData(small, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = false;
  g.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}
