/**
 * `npm test`'s first step: the Debian packages the tests need (Jupyter to run notebooks, Chromium for the browser
 * checks, JupyterHub and jupyterlab_server for the course checks, scikit-learn for the benchmark's reference
 * figures), so that README's test command passes by itself on a fresh machine.
 *
 * As root with apt-get, missing packages are installed (saying so), as `npm start` does for Jupyter; otherwise the
 * exact command to run is printed and the tests do not start. `.ci/run` installs the same list (a test checks).
 *
 *     node dist/scripts/test-prerequisites.js            # check, install as root, or say what to run
 *     node dist/scripts/test-prerequisites.js --list     # the package names, one line
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

/** What the tests need from Debian 12. The same list as `.ci/run`'s `apt_packages`. */
export const TEST_APT_PACKAGES: readonly string[] = [
  "jupyter-nbconvert",
  "python3-nbclient",
  "python3-ipykernel",
  "jupyter-client",
  "jupyter-notebook",
  "chromium",
  "python3-sklearn",
  "jupyterhub",
  "python3-jupyterlab-server",
  "python3-jupyter-server",
];

/** The packages of `packages` that dpkg does not list as installed (all of them where there is no dpkg). */
export function missingPackages(packages: readonly string[] = TEST_APT_PACKAGES): string[] {
  return packages.filter((p) => {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" });
    return r.status !== 0 || !r.stdout.includes("install ok installed");
  });
}

/** The command a person runs to install `missing`. */
export function installCommand(missing: readonly string[]): string {
  return `sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}`;
}

/**
 * Installs what is missing when that is possible here (root, apt-get), else says what to run.
 *
 * @returns the exit status: 0 ready, 1 not ready (the message says what to run).
 */
export function ensureTestPrerequisites(
  log: (line: string) => void = (l) => console.error(l),
  packages: readonly string[] = TEST_APT_PACKAGES,
): number {
  const missing = missingPackages(packages);
  if (missing.length === 0) return 0;
  const haveApt = spawnSync("apt-get", ["--version"], { encoding: "utf8" }).status === 0;
  if (process.getuid?.() !== 0 || !haveApt) {
    log(`npm test needs these Debian packages, not installed here: ${missing.join(" ")}`);
    log(haveApt ? `Install them, then run npm test again:\n  ${installCommand(missing)}` : "This is not a Debian/Ubuntu machine (no apt-get): install their equivalents (Jupyter Notebook and nbconvert, Chromium at /usr/bin/chromium, JupyterHub, jupyterlab_server, scikit-learn), then run npm test again.");
    return 1;
  }
  log(`npm test: installing the Debian packages the tests need: ${missing.join(" ")} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-q"], ["install", "-y", "-q", ...missing]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (r.status !== 0) {
      log(`apt-get ${args[0]} failed (exit ${r.status ?? r.signal}). Run it yourself, then npm test again:\n  ${installCommand(missing)}`);
      return 1;
    }
  }
  // Debian's jupyterhub starts a hub (all interfaces, port 8000) where systemd runs; the tests start their own.
  if (missing.includes("jupyterhub") && fs.existsSync("/run/systemd/system")) {
    spawnSync("systemctl", ["disable", "--now", "jupyterhub.service"], { stdio: "ignore" });
  }
  const still = missingPackages(missing);
  if (still.length > 0) {
    log(`apt-get ran, but these are still not installed: ${still.join(" ")}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  if (process.argv.includes("--list")) console.log(TEST_APT_PACKAGES.join(" "));
  else process.exitCode = ensureTestPrerequisites();
}
