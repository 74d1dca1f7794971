import * as path from "node:path";

/** The repository root; tests run compiled from `dist/test/`. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");
/** `test/golden/<name>` in the source tree. */
export const golden = (name: string): string => path.join(ROOT, "test", "golden", name);
