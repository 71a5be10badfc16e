// The engine's public face: the app imports only this module (README.md lists the contract).

export class WalletError extends Error {}

const notYet = () => {
  throw new Error("not yet");
};

export async function ready() {
  notYet();
}

export class WalletFile {
  static create(_options) {
    return notYet();
  }

  static parse(_bytes) {
    return notYet();
  }

  bytes() {
    return notYet();
  }

  header() {
    return notYet();
  }

  async open(_passphrase) {
    return notYet();
  }

  seal(_opened, _newState) {
    return notYet();
  }

  async addDuress(_openedReal, _duressPassphrase, _decoyState) {
    return notYet();
  }
}

export const newState = notYet;
export const holderDid = notYet;
export const loginKey = notYet;
export const verifierOf = notYet;
export const verifiers = notYet;
export const credentials = notYet;
export const forget = notYet;
export const receiveOffer = async () => notYet();
export const verifyCredential = async () => notYet();
export const present = async () => notYet();
export const nv1Encode = notYet;
export const nv1Decode = notYet;
export const sealBackup = async () => notYet();
export const openBackup = async () => notYet();
