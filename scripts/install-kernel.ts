/**
 * `npm run kernel`: registers the project's tslab as the "TypeScript" Jupyter kernel.
 *
 *   npm run kernel                        # inside the project (.jupyter/), used by npm start / npm run notebook
 *   npm run kernel -- --user              # for your Jupyter user (~/.local/share/jupyter)
 *   npm run kernel -- --sys-prefix        # for every user of this Jupyter (/usr/share/jupyter on Debian)
 *   npm run kernel -- --prefix=/usr/local # in /usr/local/share/jupyter, as `jupyter kernelspec install --prefix`
 *   npm run kernel -- --system            # in Jupyter's system folder (/usr/local/share/jupyter)
 *
 * Any other argument is an error that lists these. See ./kernel-install for where each lands and why.
 */
import * as path from "node:path";
import { flagsTakenByNpm, INSTALL_USAGE, KernelInstallError, parseInstallArgs, registerKernelAt, unreadableByOthers } from "./kernel-install";

const ROOT = path.resolve(__dirname, "..", "..");

function main(argv: readonly string[]): number {
  const { target, help } = parseInstallArgs(argv);
  if (help) {
    console.log(INSTALL_USAGE);
    return 0;
  }
  const taken = flagsTakenByNpm();
  if (target.kind === "project" && taken.length > 0) {
    throw new KernelInstallError(`npm kept ${taken.join(" ")} for itself; put it after --: npm run kernel -- ${taken.join(" ")}`);
  }
  const { dataDir, kernelDir } = registerKernelAt(ROOT, target);
  console.log(`Registered the "TypeScript" kernel (tslab) in ${kernelDir}`);
  console.log(`It runs ${ROOT}'s tslab and lib; notebooks in any folder import "quantization-lesson/core" etc. from there.`);
  if (target.kind === "project") {
    console.log(`Jupyter finds it with JUPYTER_PATH=${dataDir} (npm start and npm run notebook set it).`);
  } else if (target.kind === "prefix") {
    console.log(`Jupyter finds it if ${dataDir} is on its data path (\`jupyter --paths\`), e.g. with JUPYTER_PATH=${dataDir}.`);
  }
  if (target.kind !== "project" && target.kind !== "user") {
    const closed = unreadableByOthers(ROOT);
    if (closed) console.warn(`warning: other users cannot read ${closed}, so the kernel will not start for them; put the checkout where they can (e.g. /opt).`);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof KernelInstallError ? err.message : err);
  process.exitCode = 1;
}
