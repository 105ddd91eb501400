/**
 * An error about a dataset file or folder. The message always starts with the path it is
 * about, so a user can find the bad file without a stack trace.
 */
export class DatasetError extends Error {
  /** The file or folder the problem is in. */
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'DatasetError';
    this.file = file;
    this.problem = problem;
  }
}
