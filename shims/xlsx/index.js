"use strict";
// Installed as "xlsx" by package.json's overrides. danfojs-node requires xlsx at load time but calls it only
// from readExcel / toExcel, which this project never uses; the real xlsx 0.18.5 costs ~15 MB and ~140 ms
// there and has CVE-2023-30533 (prototype pollution) and CVE-2024-22363 (ReDoS) with no fixed npm release.
const MESSAGE =
  "Excel files are not supported in this project (xlsx removed for CVE-2023-30533/CVE-2024-22363); " +
  "convert the sheet to CSV and use danfo's readCSV, or write with toCSV.";

function unsupported(name) {
  const f = function () {
    throw new Error(`xlsx.${name}: ${MESSAGE}`);
  };
  Object.defineProperty(f, "name", { value: name });
  return f;
}

// What danfojs-node 1.2.0 calls (dist/danfojs-base/io/node/io.excel.js), plus the other common entry points.
module.exports = {
  version: "0.18.5-stub",
  read: unsupported("read"),
  readFile: unsupported("readFile"),
  write: unsupported("write"),
  writeFile: unsupported("writeFile"),
  utils: {
    sheet_to_json: unsupported("utils.sheet_to_json"),
    sheet_to_csv: unsupported("utils.sheet_to_csv"),
    json_to_sheet: unsupported("utils.json_to_sheet"),
    aoa_to_sheet: unsupported("utils.aoa_to_sheet"),
    book_new: unsupported("utils.book_new"),
    book_append_sheet: unsupported("utils.book_append_sheet"),
  },
};
