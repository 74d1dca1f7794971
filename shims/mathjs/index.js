"use strict";
// Installed as "mathjs" by package.json's overrides. danfojs-node 1.2.0 calls only mean, median, mode, std and
// variance, on arrays of plain numbers, as `(0, mathjs_1.std)(values)` at call time, so each is a getter that
// loads mathjs 9.5.2's own number-only build ("mathjs/number", the same functions without BigNumber / Complex /
// units) the first time one is used. require("danfojs-node") then costs nothing for mathjs.
const NAMES = ["mean", "median", "mode", "std", "variance"];

let numberBuild;
function load() {
  return (numberBuild ??= require("mathjs-9.5.2/number"));
}

for (const name of NAMES) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });
}
