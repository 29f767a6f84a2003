/** A container the image and the task together do not describe well enough to run. */
export class RuncSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuncSpecError';
  }
}
