// What nansen.qr.errors.QRCodeError is: a sentence to show, and a kind ("not-nansen", "other-version").
export class QRCodeError extends Error {
  constructor(message, kind = "invalid") {
    super(message);
    this.name = "QRCodeError";
    this.kind = kind;
  }
}
