/**
 * Reference numbers from `paper.md` (the project's digest of the paper and the official code).
 * CIFAR rows: §2.3, computed from the official code ([C]); params in millions to 4 decimals
 * (exact integers where given), MACs in millions for a 32×32 input. ImageNet rows: §2.4 exact
 * counts from the released symbol JSONs and §3.1 (the paper's table, errors in %).
 */

/** A number as printed: its text and the unit the text is in (1, 1e6 or 1e9). */
export interface Quantity {
  text: string;
  scale: 1 | 1e6 | 1e9;
}

/** The paper's own ImageNet table row (§3.1). */
export interface PaperImagenetRow {
  /** #Params (×M) as printed; paper.md §3.1 finds it unreliable (no single convention). */
  params: string;
  /** FLOPs (×10⁹) as printed: multiply-adds. */
  flops: string;
  trainTop1: number;
  trainTop5: number;
  testTop1: number;
  testTop5: number;
}

/**
 * What a source reports for a net without a count to check against: the IGCV3 README's tables.
 * Shown beside our exact counts, not checked: its parameter figures are rounded and, for CIFAR,
 * come from an implementation the repository does not contain.
 */
export interface ReportedResult {
  /** #Params (M) as printed. */
  params: string;
  /** ImageNet top-1 / top-5 accuracy (%), before the README's "retrain" step. */
  top1?: number;
  top5?: number;
  /** After the "retrain" step. */
  retrainTop1?: number;
  retrainTop5?: number;
  /** CIFAR-10 and CIFAR-100 accuracy (%). */
  cifar10?: number;
  cifar100?: number;
  /** What the figures are and how they relate to this net. */
  note?: string;
  /** Where they come from. */
  source: string;
}

/** What `igc info` compares a built model against. */
export interface ReferenceNumbers {
  /** Conv + FC weights and biases with the default head (10 or 1000 classes). */
  params?: Quantity;
  /** Plus BN γ and β. */
  paramsWithBn?: Quantity;
  /** Conv + FC with a 100-class head (CIFAR nets). */
  paramsC100?: Quantity;
  /** Multiply-adds for one sample at the standard input size. */
  macs?: Quantity;
  /** The paper's reported numbers, where known (ImageNet only: the CIFAR tables were not retrievable). */
  paper?: PaperImagenetRow;
  /** Reported results shown without a check (IGCV3 and MobileNetV2). */
  reported?: ReportedResult;
  /** Where the numbers come from. */
  source: string;
  /** How reports name the expected numbers (default `paper.md`). */
  label?: string;
}

const m = (text: string): Quantity => ({ text, scale: 1e6 });
const exact = (n: number): Quantity => ({ text: String(n), scale: 1 });
const g = (text: string): Quantity => ({ text, scale: 1e9 });

/** §2.3 rows: [zoo name, params, +BN, C-100, MACs (M)]. */
const CIFAR_ROWS: readonly (readonly [string, string, string, string, string])[] = [
  ['regconv-w16-d8', '0.0748', '0.0753', '0.0807', '12.2'],
  ['regconv-w18-d8', '0.0945', '0.0951', '0.1011', '15.4'],
  ['igc-l4m8-d8', '0.0777', '0.0786', '0.0893', '13.1'],
  ['igc-l24m2-d8', '0.0470', '0.0484', '0.0644', '9.9'],
  ['regconv-w16-d20', '0.2683', '0.2697', '0.2742', '40.6'],
  ['regconv-w18-d20', '0.3395', '0.3410', '0.3460', '51.3'],
  ['igc-l4m8-d20', '0.2748', '0.2775', '0.2864', '42.4'],
  ['igc-l24m2-d20', '0.1518', '0.1560', '0.1692', '28.8'],
  ['regconv-w16-d26', '0.3651', '0.3669', '0.3710', '54.7'],
  ['igc-l4m8-d26', '0.3734', '0.3770', '0.3850', '57.0'],
  ['igc-l24m2-d26', '0.2042', '0.2097', '0.2216', '38.2'],
  ['igc-l24m2-d38', '0.3091', '0.3172', '0.3265', '57.1'],
  ['regconv-w16-ident-d20', '0.2709', '0.2725', '0.2768', '40.8'],
  ['regconv-w18-ident-d20', '0.3427', '0.3445', '0.3493', '51.6'],
  ['igc-l4m8-ident-d20', '0.2781', '0.2813', '0.2897', '42.7'],
  ['igc-l24m2-ident-d20', '0.1597', '0.1644', '0.1771', '29.7'],
  ['regconv-w18-ident-d38', '0.7101', '0.7134', '0.7167', '105.3'],
  ['igc-l24m2-ident-d38', '0.3170', '0.3257', '0.3343', '58.1'],
  ['igc-l16m32-ident-d20', '17.6963', '17.7464', '17.8807', '2692'],
  ['igc-l32m26-ident-d20', '24.1338', '24.2154', '24.4334', '3741'],
];

/** Exact C-10 counts given as integers in paper.md §2.3 / §7. */
const CIFAR_EXACT: Readonly<Record<string, number>> = {
  'igc-l16m32-ident-d20': 17_696_266,
  'igc-l32m26-ident-d20': 24_133_834,
};

const IMAGENET: Readonly<Record<string, ReferenceNumbers>> = {
  resnet18: {
    params: exact(11_679_912),
    paramsWithBn: exact(11_689_512),
    macs: g('1.814'),
    paper: {
      params: '11.151',
      flops: '1.8',
      trainTop1: 22.41,
      trainTop5: 6.53,
      testTop1: 31.06,
      testTop5: 11.38,
    },
    source: 'paper.md §2.4 (symbol JSON) and §3.1 (paper table)',
  },
  'resnet18-c69': {
    params: exact(13_532_107),
    paramsWithBn: exact(13_542_457),
    macs: g('2.099'),
    paper: {
      params: '11.333',
      flops: '2.1',
      trainTop1: 21.43,
      trainTop5: 5.96,
      testTop1: 30.58,
      testTop5: 10.77,
    },
    source: 'paper.md §2.4 (symbol JSON) and §3.1 (paper table)',
  },
  'igc-l4m32-ident-imagenet': {
    params: exact(12_232_040),
    paramsWithBn: exact(12_251_240),
    macs: g('1.945'),
    paper: {
      params: '11.205',
      flops: '1.9',
      trainTop1: 21.71,
      trainTop5: 6.21,
      testTop1: 30.77,
      testTop5: 10.99,
    },
    source: 'paper.md §2.4 (symbol JSON) and §3.1 (paper table)',
  },
  'igc-l16m16-ident-imagenet': {
    params: exact(13_489_896),
    paramsWithBn: exact(13_528_296),
    macs: g('2.266'),
    paper: {
      params: '11.329',
      flops: '2.2',
      trainTop1: 19.97,
      trainTop5: 5.44,
      testTop1: 29.4,
      testTop5: 10.32,
    },
    source: 'paper.md §2.4 (symbol JSON) and §3.1 (paper table)',
  },
  'igc-l100m2-ident-imagenet': {
    params: exact(8_607_700),
    paramsWithBn: exact(8_637_900),
    macs: g('1.265'),
    paper: {
      params: '8.61',
      flops: '1.3',
      trainTop1: 13.93,
      trainTop5: 2.75,
      testTop1: 26.95,
      testTop5: 8.92,
    },
    source: 'paper.md §2.4 (symbol JSON) and §3.1 (paper table)',
  },
};

const IGCV3_README =
  'homles11/IGCV3 README.md (tables "CIFAR Experiments", "ImageNet Experiments")';
const IGCV3_COUNTED =
  'counted from the official code’s rules (homles11/IGCV3 symbols/igcv3.py, symbols/mobilenetv2.py; Python 2 rounding)';
const SHARE_NOTE =
  'the README’s "s×" CIFAR nets reduce the 1.0× parameter count s times; they are not width multipliers, so this net’s count differs';

/**
 * IGCV3-D and MobileNetV2: exact counts of the nets the official code builds (params without and
 * with BN γ, β; MACs at 224×224 or 32×32 with the default head; CIFAR nets also with 100
 * classes), and the README's reported results.
 */
const MOBILE: Readonly<Record<string, ReferenceNumbers>> = {
  'igcv3-imagenet': {
    params: exact(3_427_144),
    paramsWithBn: exact(3_491_688),
    macs: exact(312_970_176),
    reported: {
      params: '3.5',
      top1: 70.6,
      top5: 89.7,
      retrainTop1: 72.2,
      retrainTop5: 90.5,
      source: IGCV3_README,
    },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'igcv3-imagenet-w0.75': {
    params: exact(2_536_512),
    paramsWithBn: exact(2_583_904),
    macs: exact(185_267_552),
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'igcv3-imagenet-w0.5': {
    params: exact(1_902_932),
    paramsWithBn: exact(1_934_132),
    macs: exact(89_425_120),
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'igcv3-cifar': {
    params: exact(2_158_954),
    paramsWithBn: exact(2_223_498),
    paramsC100: exact(2_274_244),
    macs: exact(93_531_648),
    reported: { params: '2.4', cifar10: 94.96, cifar100: 77.95, source: IGCV3_README },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'igcv3-cifar-w0.7': {
    params: exact(1_134_216),
    paramsWithBn: exact(1_178_940),
    paramsC100: exact(1_249_506),
    macs: exact(49_896_512),
    reported: {
      params: '1.7',
      cifar10: 94.92,
      cifar100: 77.83,
      note: `IGCV3-D 0.7×: ${SHARE_NOTE}`,
      source: IGCV3_README,
    },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'igcv3-cifar-w0.5': {
    params: exact(634_742),
    paramsWithBn: exact(665_942),
    paramsC100: exact(750_032),
    macs: exact(26_140_672),
    reported: {
      params: '1.2',
      cifar10: 94.73,
      cifar100: 77.29,
      note: `IGCV3-D 0.5×: ${SHARE_NOTE}`,
      source: IGCV3_README,
    },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'mobilenetv2-imagenet': {
    params: exact(3_471_784),
    paramsWithBn: exact(3_505_960),
    macs: exact(313_619_328),
    reported: {
      params: '3.4',
      top1: 70.0,
      top5: 89.0,
      retrainTop1: 71.4,
      retrainTop5: 90.1,
      note: 'the repository’s MobileNetV2 expands the t = 1 block too (a 32→32 1×1 conv more than the MobileNetV2 paper’s net)',
      source: IGCV3_README,
    },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
  'mobilenetv2-cifar': {
    params: exact(2_203_594),
    paramsWithBn: exact(2_237_770),
    paramsC100: exact(2_318_884),
    macs: exact(89_025_024),
    reported: {
      params: '2.3',
      cifar10: 94.56,
      cifar100: 77.09,
      note: 'the README’s "MobileNetV2 (our impl.)"',
      source: IGCV3_README,
    },
    source: IGCV3_COUNTED,
    label: 'official code',
  },
};

const REFERENCES: ReadonlyMap<string, ReferenceNumbers> = new Map([
  ...CIFAR_ROWS.map(([name, p, pbn, p100, macs]): [string, ReferenceNumbers] => {
    const e = CIFAR_EXACT[name];
    return [
      name,
      {
        params: e !== undefined ? exact(e) : m(p),
        paramsWithBn: m(pbn),
        paramsC100: m(p100),
        macs: m(macs),
        source:
          'paper.md §2.3 (counted from the official code; the paper’s CIFAR tables were not retrievable)',
      },
    ];
  }),
  ...Object.entries(IMAGENET),
  ...Object.entries(MOBILE),
]);

/** The reference numbers of a zoo name, if paper.md gives any. */
export function referenceFor(name: string): ReferenceNumbers | undefined {
  return REFERENCES.get(name);
}

/** Every name with reference numbers. */
export function referenceNames(): string[] {
  return [...REFERENCES.keys()];
}

/**
 * Whether a count agrees with a reference to the precision printed: exactly for integers
 * (scale 1), else rounded to the printed decimals in the printed unit.
 */
export function matchesReference(actual: number, q: Quantity): boolean {
  if (q.scale === 1) return actual === Number(q.text);
  const decimals = q.text.includes('.') ? q.text.split('.')[1]!.length : 0;
  return (actual / q.scale).toFixed(decimals) === q.text;
}

/** A count in a reference's unit and precision, e.g. `0.2748` for 274,826 at scale 1e6. */
export function formatLike(actual: number, q: Quantity): string {
  if (q.scale === 1) return String(actual);
  const decimals = q.text.includes('.') ? q.text.split('.')[1]!.length : 0;
  return (actual / q.scale).toFixed(decimals);
}
