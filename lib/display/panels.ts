/**
 * Figures made of side-by-side panels (sections 13 and 15): where each panel sits across the figure and the title
 * above it. plotly.js draws each panel on its own pair of axes (`xaxis`, `xaxis2`, …) whose `domain` says which
 * share of the width it takes; a panel's title is an annotation on the figure ("paper") coordinates.
 */

/**
 * The horizontal domains of `count` panels of equal width with `gap` (a share of the figure's width) between them.
 *
 * @example
 * panelDomains(2, 0.1); // [[0, 0.45], [0.55, 1]]
 */
export function panelDomains(count: number, gap = 0.05): Array<[number, number]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`panelDomains: count must be an integer >= 1, got ${count}`);
  if (!(gap >= 0) || gap * (count - 1) >= 1) throw new RangeError(`panelDomains: gap ${gap} leaves no room for ${count} panels`);
  const width = (1 - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i): [number, number] => [i * (width + gap), i * (width + gap) + width]);
}

/**
 * The title of the panel spanning `domain`: an annotation centred above its plot area.
 *
 * @example
 * layout.annotations = panelDomains(3).map((d, i) => panelTitle(`layer ${i}`, d));
 */
export function panelTitle(text: string, domain: readonly [number, number]): Record<string, unknown> {
  return {
    text,
    xref: "paper",
    yref: "paper",
    x: (domain[0] + domain[1]) / 2,
    y: 1.02,
    xanchor: "center",
    yanchor: "bottom",
    showarrow: false,
  };
}
