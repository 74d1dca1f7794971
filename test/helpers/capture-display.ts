import assert from "node:assert/strict";
import { setDisplayPublisher, type DisplayData } from "../../lib/display/transport";

/** Runs `fn` with display messages captured instead of sent, and returns them (each must be a new output). */
export function captureDisplays(fn: () => void): DisplayData[] {
  const sent: DisplayData[] = [];
  setDisplayPublisher((content, update) => {
    assert.equal(update, false, "a new output, not an update");
    sent.push(content);
  });
  try {
    fn();
  } finally {
    setDisplayPublisher(undefined);
  }
  return sent;
}
