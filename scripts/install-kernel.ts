/**
 * `npm run kernel`: registers the project's tslab as the "TypeScript" Jupyter kernel.
 *
 *   npm run kernel             # inside the project (.jupyter/), used by npm start / npm run notebook
 *   npm run kernel -- --user   # for your Jupyter user (~/.local/share/jupyter), e.g. on a JupyterHub
 */
import * as path from "node:path";
import { PROJECT_ROOT, registerKernel, SetupError } from "./jupyter";

try {
  const user = process.argv.includes("--user");
  const dir = registerKernel(PROJECT_ROOT, { user });
  console.log(`Registered the "TypeScript" kernel (tslab) in ${path.join(dir, "kernels", "tslab")}`);
  if (!user) console.log("Jupyter finds it with JUPYTER_PATH=" + dir + " (npm start and npm run notebook set it).");
} catch (err) {
  console.error(err instanceof SetupError ? err.message : err);
  process.exitCode = 1;
}
