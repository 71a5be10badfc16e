// Bounds of the NV1 format (nansen/qr/limits.py).
export const MAX_TEXT = 4296;
export const MAX_PAYLOAD = 64 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ITEMS = 8192;
export const MAX_BASE58 = 128;
