/** A configuration problem found at boot: the message names the variable, file, entry and field. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}
