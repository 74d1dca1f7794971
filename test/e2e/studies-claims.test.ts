/**
 * Sections 11–16 say what their printed numbers show: each sentence of those sections that states a number (or
 * a comparison of numbers) is checked here against what the executed notebook printed or drew. Fixed numbers
 * (the model is the same on every run) are checked exactly; timings only by what the text claims about them.
 * Sections 0–10 are checked in notebook-claims.test.ts.
 *
 * To check the prose against a notebook you have already executed, without running it again, set
 * QL_EXECUTED_NOTEBOOK to its path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { executedNotebook, readNotebook, text, type Notebook } from "../helpers/executed-notebook";

type Cell = Notebook["cells"][number];

const nb = readNotebook(process.env.QL_EXECUTED_NOTEBOOK ?? executedNotebook().executedPath);

/** The cells of section n: from its heading to the next section's. */
function sectionCells(n: number): Cell[] {
  const start = nb.cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith(`## ${n}.`));
  assert.ok(start >= 0, `section ${n} has a heading`);
  let end = nb.cells.findIndex((c, i) => i > start && c.cell_type === "markdown" && /^## \d+\./.test(text(c.source)));
  if (end < 0) end = nb.cells.length;
  return nb.cells.slice(start, end);
}
const markdown = (n: number): string => sectionCells(n).filter((c) => c.cell_type === "markdown").map((c) => text(c.source)).join("\n\n");
const codeCells = (n: number): Cell[] => sectionCells(n).filter((c) => c.cell_type === "code");
const stdout = (n: number): string =>
  codeCells(n)
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map((o) => text(o.text))
    .join("");
const str = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/** Every DataFrame section n displayed, as rows keyed by column (numbers where the cell is a number). */
function tables(n: number): Array<Array<Record<string, string | number>>> {
  const out: Array<Array<Record<string, string | number>>> = [];
  for (const o of codeCells(n).flatMap((c) => c.outputs ?? [])) {
    const html = str(o.data?.["text/html"]);
    if (!html.includes('class="dataframe"')) continue;
    const cells = (row: string, tag: string): string[] =>
      [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1].trim());
    const rows = [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
    const header = cells(rows[0], "th").slice(1); // the first header cell is the index column's
    out.push(
      rows.slice(1).map((r) => {
        const values = cells(r, "td");
        return Object.fromEntries(header.map((h, i) => [h, /^-?\d+(\.\d+)?$/.test(values[i]) ? Number(values[i]) : values[i]]));
      }),
    );
  }
  return out;
}
const table = (n: number, index = 0): Array<Record<string, string | number>> => {
  const all = tables(n);
  assert.ok(all.length > index, `section ${n} displays at least ${index + 1} table(s)`);
  return all[index];
};
const num = (v: string | number | undefined, what: string): number => {
  assert.equal(typeof v, "number", `${what} is a number (got ${JSON.stringify(v)})`);
  return v as number;
};

interface Figure {
  data: Array<{ type?: string; name?: string; z?: Array<Array<number | null>>; text?: string[][] }>;
  layout: Record<string, unknown>;
}
const figures = (n: number): Figure[] =>
  codeCells(n)
    .flatMap((c) => c.outputs ?? [])
    .map((o) => o.data?.["application/vnd.plotly.v1+json"])
    .filter((f): f is Figure => f !== undefined);

/** The sentence of `md` that contains `fragment` (so a reworded claim makes its check fail, not pass silently). */
function claim(md: string, fragment: string): void {
  assert.ok(md.replace(/\s+/g, " ").includes(fragment), `the text still says: "${fragment}"`);
}

test("sections 11–16 ran without an error, and their code cells import nothing (section 1 does)", () => {
  for (const n of [11, 12, 13, 14, 15]) {
    for (const c of codeCells(n)) {
      assert.ok(typeof c.execution_count === "number", `section ${n}: a cell did not run:\n${text(c.source)}`);
      assert.ok(!(c.outputs ?? []).some((o) => o.output_type === "error"), `section ${n}: a cell failed:\n${text(c.source)}`);
      if (n !== 14) assert.ok(!/^\s*import\b/m.test(text(c.source)), `section ${n}: an import line:\n${text(c.source)}`);
    }
  }
});

test("sections 11, 12, 13 and 15 end with what to look for and two or three exercises", () => {
  for (const n of [11, 12, 13, 15]) {
    const md = markdown(n);
    assert.match(md, /What to look for/, `section ${n}`);
    const exercises = md.slice(md.lastIndexOf("Exercises:"));
    assert.ok(md.includes("Exercises:"), `section ${n} has exercises`);
    const items = exercises.match(/^\d\. /gm) ?? [];
    assert.ok(items.length >= 2 && items.length <= 3, `section ${n}: ${items.length} exercises`);
  }
});

test("section 11: the solvers' table and the sentence under it say what the text says", () => {
  const md = markdown(11);
  const [lbfgs, gd] = table(11);
  assert.equal(lbfgs.solver, "lbfgs");
  assert.equal(gd.solver, "gd");
  claim(md, "here 100 steps of size 0.003");
  assert.equal(gd.iterations, 100);
  claim(md, "stops on its test after about 50 iterations per class (`converged`: all 10)");
  assert.ok(num(lbfgs.iterations, "lbfgs iterations") >= 40 && num(lbfgs.iterations, "") <= 60, `${lbfgs.iterations}`);
  assert.equal(lbfgs.converged, 10);
  claim(md, "stops after its 100 steps wherever it is (`converged`: 0)");
  assert.equal(gd.converged, 0);
  claim(md, "Both land near 96% on the test set");
  for (const r of [lbfgs, gd]) assert.ok(Math.abs(num(r.fp32_accuracy, "fp32_accuracy") - 0.96) <= 0.01, `${r.solver}: ${r.fp32_accuracy}`);
  claim(md, "yet they label some test images differently (`unlike_lbfgs`)");
  assert.ok(num(gd.unlike_lbfgs, "unlike_lbfgs") > 0);
  claim(md, "Each int8 model changes fewer test labels (`int8_changes`) than switching solvers does (`unlike_lbfgs`)");
  assert.ok(Math.max(num(lbfgs.int8_changes, ""), num(gd.int8_changes, "")) < num(gd.unlike_lbfgs, ""));
  // The sentence printed under the table repeats the table's numbers.
  assert.match(
    stdout(11),
    new RegExp(`disagree on ${gd.unlike_lbfgs} of 450 test images; int8 changes ${lbfgs.int8_changes} \\(lbfgs\\) and ${gd.int8_changes} \\(gd\\)`),
  );
});

test("section 12: the same labels from integers; the timing table's claims", () => {
  const md = markdown(12);
  claim(md, "the count above is all 450");
  assert.match(stdout(12), /labels equal to predictInt8's \(section 7, dequantize on the fly\): 450 of 450/);
  const rows = table(12);
  const find = (kernel: string, inputs: string) => {
    const r = rows.find((x) => x.kernel === kernel && x.inputs === inputs);
    assert.ok(r, `${kernel} (${inputs}) is in the table`);
    return r;
  };
  // Timings are not asserted (they move with the machine's load); the printed lines must say what the table says.
  const shares = new Map<string, number>();
  for (const kernel of ["int8-ts", "int8-wasm"]) {
    const withQ = find(kernel, "quantized in the call");
    const before = find(kernel, "quantized before");
    const line = new RegExp(`${kernel} \\([^)]*\\) runs at ([0-9.]+)× the speed of fp32-\\w+ quantizing its inputs, ([0-9.]+)× given them quantized; quantizing took (\\d+)% of its time`).exec(stdout(12));
    assert.ok(line, `section 12 prints a line for ${kernel}:\n${stdout(12)}`);
    assert.equal(Number(line[1]), withQ.vs_float_same_code);
    assert.equal(Number(line[2]), before.vs_float_same_code);
    const share = (num(withQ.median_ms, "median_ms") - num(before.median_ms, "median_ms")) / num(withQ.median_ms, "median_ms");
    assert.ok(Math.abs(Number(line[3]) - Math.max(0, share) * 100) <= 1, `${kernel}: ${line[3]}% vs ${share}`);
    shares.set(kernel, share);
  }
  claim(md, "The faster the kernel, the larger that share");
  assert.ok((shares.get("int8-wasm") ?? 0) > (shares.get("int8-ts") ?? 0), `shares ${[...shares]}`);
  claim(md, "The same 450 × 64 → 10 scores, float32 against int8 in the same kind of code");
});

test("section 13: the schemes' table, the changed labels and the confusion tables say what the text says", () => {
  const md = markdown(13);
  const rows = table(13);
  const find = (scheme: string, bits: number) => {
    const r = rows.find((x) => x.scheme === scheme && x.bits === bits);
    assert.ok(r, `${scheme} ${bits} bits is in the table`);
    return r;
  };
  const fp32 = find("fp32", 32);
  const acc = (r: Record<string, string | number>): number => num(r.accuracy, "accuracy");
  const changed = (r: Record<string, string | number>): number => num(r.changed_labels, "changed_labels");
  const schemes = ["per-tensor", "per-row", "symmetric"];
  claim(md, "one test image is 1/450 = 0.22 points of accuracy");
  assert.match(stdout(13), / of 450 test labels change/);

  claim(md, "every scheme changes at most one test label (`changed_labels`), and per row none at all");
  for (const s of schemes) assert.ok(changed(find(s, 8)) <= 1, s);
  assert.equal(changed(find("per-row", 8)), 0);
  assert.match(stdout(13), /per-row, 8 bits: 0 of 450 test labels change\./);

  claim(md, "7 to 11 labels change, in both directions");
  const at4 = schemes.map((s) => changed(find(s, 4)));
  assert.equal(Math.min(...at4), 7);
  assert.equal(Math.max(...at4), 11);
  const perRow4 = /per-row, 4 bits: \d+ of 450 test labels change: (\d+) from right to wrong, (\d+) from wrong to right/.exec(stdout(13));
  assert.ok(perRow4 && Number(perRow4[1]) > 0 && Number(perRow4[2]) > 0, "some mistakes fixed, others made");
  claim(md, "no scheme ends below FP32's accuracy");
  for (const s of schemes) assert.ok(acc(find(s, 4)) >= acc(fp32), s);

  claim(md, "Per row with a zero-point (4 levels over each row's own range) keeps about 91%");
  assert.equal(Math.round(acc(find("per-row", 2)) * 100), 91);
  claim(md, "lose about 20 points");
  for (const s of ["per-tensor", "symmetric"]) {
    const lost = (acc(fp32) - acc(find(s, 2))) * 100;
    assert.ok(lost >= 15 && lost <= 25, `${s} loses ${lost} points`);
  }
  claim(md, "most of them go to one or two classes");
  const [confusion] = figures(13).filter((f) => f.data.every((t) => t.type === "heatmap") && f.data.length === 3);
  assert.ok(confusion, "the 2-bit confusion figure (three panels)");
  for (const panel of confusion.data) {
    const columns = new Array<number>(10).fill(0);
    (panel.z ?? []).forEach((r) => r.forEach((v, c) => (columns[c] += v ?? 0)));
    const total = columns.reduce((a, b) => a + b, 0);
    const [first, second] = [...columns].sort((a, b) => b - a);
    assert.ok(first + second > total / 2, `the two largest columns hold ${first + second} of ${total} changes`);
  }

  claim(md, "per-row scales and zero-points cost 80 bytes against per-tensor's 8");
  assert.equal(num(find("per-row", 8).bytes, "bytes") - num(find("per-tensor", 8).bytes, "bytes"), 72);
  claim(md, "the difference between 3.78× and 3.42× smaller than FP32");
  assert.equal(find("per-tensor", 8).times_smaller, 3.78);
  assert.equal(find("per-row", 8).times_smaller, 3.42);
  claim(md, "at 8 and 4 bits the two schemes are within one test image of each other");
  for (const bits of [8, 4]) assert.ok(Math.abs(acc(find("per-row", bits)) - acc(find("per-tensor", bits))) <= 1 / 450 + 1e-4, `${bits} bits`);
  assert.ok(acc(find("per-row", 2)) - acc(find("per-tensor", 2)) >= 0.1, "a clear gain at 2 bits");
});

test("section 15: the speed-ups in the table back each sentence of 'What to look for'", () => {
  const md = markdown(15);
  const rows = table(15);
  const layers = [...new Set(rows.map((r) => r.layer))];
  const column = (kernel: string, baseline: string, layer: string): number[] =>
    rows.filter((r) => r.layer === layer).map((r) => num(r[`${kernel} vs ${baseline}`], `${kernel} vs ${baseline} on ${layer}`));
  claim(md, "A speed-up between 0.92 and 1.09 counts as *about the same*");

  // Timings are not asserted (they move with the machine's load): the prose gives reasons and expectations, and
  // the lines printed under the chart, which say what happened, must agree with the table.
  const verdict = (v: number): string => (v >= 1.1 ? "faster" : v <= 0.91 ? "slower" : "about the same");
  for (const [kernel, baseline] of [["dequant-ts", "fp32-ts"], ["int8-ts", "fp32-ts"], ["fp32-wasm", "fp32-ts"], ["int8-wasm", "fp32-wasm"]]) {
    const line = stdout(15).split("\n").find((l) => l.startsWith(`${kernel} vs ${baseline}: `));
    assert.ok(line, `section 15 prints a line for ${kernel} vs ${baseline}`);
    for (const layer of layers) {
      const v = column(kernel, baseline, String(layer));
      const verdicts = new Set(v.map(verdict));
      const lo = Math.min(...v);
      const hi = Math.max(...v);
      const part = new RegExp(`${layer} ([^(]*) \\(([0-9.]+)×(?: at batch \\d+ to ([0-9.]+)× at batch \\d+)?\\)`).exec(line);
      assert.ok(part, `${kernel} on ${layer} in: ${line}`);
      if (verdicts.size === 1) assert.equal(part[1], `${[...verdicts][0]} at every batch`);
      else for (const w of verdicts) assert.ok(part[1].includes(`${w} at `), `${line}: ${w}`);
      assert.equal(Number(part[2]), lo);
      if (lo !== hi) assert.equal(Number(part[3]), hi);
    }
  }
  claim(md, "the lines printed under the chart say, for this run, where each kernel was faster or slower than its baseline");
  // The crossover column never contradicts the number printed beside it.
  for (const r of rows) {
    for (const m of String(r.crossover).matchAll(/(\S+) (faster|slower) than (\S+) from here/g)) {
      const v = num(r[`${m[1]} vs ${m[3]}`], "speed-up");
      assert.ok(m[2] === "faster" ? v >= 1.1 : v <= 0.91, `${r.layer} batch ${r.batch}: ${m[0]} beside ${v}`);
    }
  }
});

test("section 16: every number in the discussion prompts is one the notebook printed", () => {
  const md = markdown(16);
  const schemes = table(13);
  const find = (scheme: string, bits: number) => schemes.find((x) => x.scheme === scheme && x.bits === bits) ?? {};
  claim(md, "are 3.82× smaller than FP32 (section 6: 2600 → 680 bytes)");
  assert.match(stdout(6), /Compression ×: 3\.82\b/);
  assert.equal(find("fp32", 32).bytes, 2600);
  claim(md, "per-row int8 takes 760 bytes, 3.42× smaller (section 13); 4 bits gives 5.91× and 2 bits 9.29×");
  assert.equal(find("per-row", 8).bytes, 760);
  assert.equal(find("per-row", 8).times_smaller, 3.42);
  assert.equal(find("per-row", 4).times_smaller, 5.91);
  assert.equal(find("per-row", 2).times_smaller, 9.29);
  claim(md, "Those 80 bytes of scales and zero-points are a tenth of this model");
  assert.equal(Math.round((80 / 760) * 10), 1);
  claim(md, "Section 14's ONNX files are larger than section 13's counts");
  const files = tables(14).flat().filter((r) => typeof r.bytes_on_disk === "number");
  assert.ok(files.length > 0, "section 14 prints bytes_on_disk");
  const counted: Record<string, Record<string, string | number>> = {
    fp32: find("fp32", 32), int8: find("per-row", 8), int4: find("per-row", 4), int2: find("per-row", 2),
  };
  for (const f of files) {
    const c = counted[String(f.model)];
    assert.ok(c, `section 14's model ${f.model} has a section-13 count`);
    assert.ok(num(f.bytes_on_disk, "bytes_on_disk") > num(c.bytes, "bytes"), `${f.model}: ${f.bytes_on_disk} on disk vs ${c.bytes}`);
  }

  // The same facts as section 13's "What to look for", checked there.
  claim(md, "At 8 bits no scheme changes more than one test label, at 4 bits 7 to 11 change (both ways), and no 4-bit scheme ends below FP32 here");
  claim(md, "only per-row scales *with* a zero-point keep about 91%; symmetric has per-row scales too and still loses 18 points");
  assert.equal(Math.round((num(find("fp32", 32).accuracy, "") - num(find("symmetric", 2).accuracy, "")) * 100), 18);
  claim(md, "Per-row scales cost 72 bytes more than per-tensor's single pair");
  assert.equal(num(find("per-row", 8).bytes, "") - num(find("per-tensor", 8).bytes, ""), 72);
  claim(md, "at 8 bits per-tensor even scores 0.9622 against 0.9600: one test image");
  assert.equal(find("per-tensor", 8).accuracy, 0.9622);
  assert.equal(find("per-row", 8).accuracy, 0.96);
  claim(md, "on which layers did int8 in WebAssembly SIMD beat float in WebAssembly SIMD");
  claim(md, "(450 of 450 here, section 12)");
  claim(md, "In section 11 switching the solver changed more test labels than quantizing to int8 did");
  const [lbfgs, gd] = table(11);
  assert.ok(Math.max(num(lbfgs.int8_changes, ""), num(gd.int8_changes, "")) < num(gd.unlike_lbfgs, ""));
});
