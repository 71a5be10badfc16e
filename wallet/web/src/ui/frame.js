// What every screen shares with the frame: the host's settings, how to draw the screen on show again
// after a language switch, and how to lock.

export const settings = { quickExitUrl: "about:blank", idleLockSeconds: 300, name: null, cost: "interactive" };

export const hooks = { redraw: () => {}, lock: () => {} };

/** The screen on show registers how to draw itself (again, after a language switch). */
export function screen(draw) {
  hooks.redraw = draw;
  draw();
}
