// Errors with a sentence fit to show a person: no secret and no identifier in the message.
export class WalletError extends Error {
  constructor(message, code = "wallet") {
    super(message);
    this.name = "WalletError";
    this.code = code;
  }
}
