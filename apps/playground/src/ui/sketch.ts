/**
 * The digit pad: strokes drawn with the mouse, a pen or a finger, turned into a 28×28 image the
 * way MNIST's digits were made: the drawing's bounding box scaled to fit 20×20 (keeping its
 * aspect), then moved so that its centre of mass sits at the centre of the 28×28 frame.
 */
export class Sketch {
  private drawing = false;
  private last: [number, number] | null = null;
  private inked = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onStroke: () => void,
  ) {
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.at(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      const p = this.at(e);
      this.line(this.last!, p);
      this.last = p;
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.onStroke();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  private at(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [
      ((e.clientX - r.left) * this.canvas.width) / r.width,
      ((e.clientY - r.top) * this.canvas.height) / r.height,
    ];
  }

  /** Draws a stroke segment (white on black, as MNIST). */
  line(a: [number, number], b: [number, number]): void {
    const g = this.canvas.getContext('2d')!;
    g.strokeStyle = '#fff';
    g.lineWidth = this.canvas.width / 14;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(a[0], a[1]);
    g.lineTo(b[0], b[1]);
    g.stroke();
    this.inked = true;
  }

  clear(): void {
    const g = this.canvas.getContext('2d')!;
    g.fillStyle = '#000';
    g.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  /** The drawing as 784 grey levels (0 black … 255 white), or null when nothing is drawn. */
  toMnist(): Float32Array | null {
    if (!this.inked) return null;
    const { width: w, height: h } = this.canvas;
    const src = this.canvas.getContext('2d')!.getImageData(0, 0, w, h).data;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        if (src[(y * w + x) * 4]! > 24) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1;
    const bh = y1 - y0 + 1;
    const s = 20 / Math.max(bw, bh);
    const box = document.createElement('canvas');
    box.width = 28;
    box.height = 28;
    const g = box.getContext('2d', { willReadFrequently: true })!;
    g.fillStyle = '#000';
    g.fillRect(0, 0, 28, 28);
    g.imageSmoothingQuality = 'high';
    const dw = bw * s;
    const dh = bh * s;
    g.drawImage(this.canvas, x0, y0, bw, bh, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
    const px = g.getImageData(0, 0, 28, 28).data;
    const grey = new Float32Array(784);
    let mass = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < 784; i++) {
      const v = px[i * 4]!;
      grey[i] = v;
      mass += v;
      cx += v * (i % 28);
      cy += v * Math.floor(i / 28);
    }
    const dx = Math.round(13.5 - cx / mass);
    const dy = Math.round(13.5 - cy / mass);
    const out = new Float32Array(784);
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++) {
        const sx = x - dx;
        const sy = y - dy;
        if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = grey[sy * 28 + sx]!;
      }
    return out;
  }
}
