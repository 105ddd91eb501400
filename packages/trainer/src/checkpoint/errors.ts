/**
 * A safetensors file that cannot be decoded. The message starts with the file it is about, so
 * a user can find it without a stack trace; `file` holds it for programs.
 */
export class SafeTensorsError extends Error {
  /** The file (or other source name) that is invalid. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: invalid safetensors file: ${problem}`);
    this.name = 'SafeTensorsError';
    this.file = file;
  }
}
