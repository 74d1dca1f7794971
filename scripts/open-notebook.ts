/**
 * `npm run notebook`: opens notebooks/ in Jupyter on 127.0.0.1 with the project's tslab kernel available.
 * Extra arguments go to Jupyter, e.g. `npm run notebook -- --port 9999`. JupyterLab is used when installed
 * (`jupyter lab`), else the classic Notebook.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { ensureJupyter, jupyterEnv, PROJECT_ROOT, registerKernel, SetupError } from "./jupyter";

try {
  // Jupyter by its path (Debian's /usr/bin/jupyter even when PATH lacks it).
  const [jupyter, ...jupyterArgs] = ensureJupyter().jupyter;
  registerKernel(PROJECT_ROOT);
  const env = jupyterEnv(PROJECT_ROOT);
  const hasLab = spawnSync(jupyter, [...jupyterArgs, "lab", "--version"], { env, encoding: "utf8" }).status === 0;
  const args = [hasLab ? "lab" : "notebook", "--ip=127.0.0.1", "--no-browser", `--notebook-dir=${path.join(PROJECT_ROOT, "notebooks")}`];
  if (process.getuid?.() === 0) args.push("--allow-root");
  args.push(...process.argv.slice(2));
  console.log(`${[jupyter, ...jupyterArgs, ...args].join(" ")}\nOpen the URL with the token that Jupyter prints below, then quantization.ipynb.`);
  const child = spawn(jupyter, [...jupyterArgs, ...args], { env, stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 0));
  process.on("SIGINT", () => child.kill("SIGINT"));
} catch (err) {
  console.error(err instanceof SetupError ? err.message : err);
  process.exitCode = 1;
}
