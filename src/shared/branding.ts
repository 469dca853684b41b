/** Colour arithmetic for themed customer-facing pages: the brand colour stays readable (WCAG AA). */

const channel = (c: number): number => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

const rgb = (hex: string): [number, number, number] => {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

const toHex = ([r, g, b]: [number, number, number]): string =>
  `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

export const luminance = (hex: string): number => {
  const [r, g, b] = rgb(hex);
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
};

export const contrastRatio = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** Black or white, whichever reads better on the given background. */
export const textOn = (background: string): "#000000" | "#ffffff" =>
  contrastRatio(background, "#000000") >= contrastRatio(background, "#ffffff") ? "#000000" : "#ffffff";

/** The colour itself when it reaches 4.5:1 on white, else the same hue darkened until it does (links, focus rings). */
export const readableOnWhite = (hex: string): string => {
  let [r, g, b] = rgb(hex);
  let current = toHex([r, g, b]);
  while (contrastRatio(current, "#ffffff") < 4.5) {
    [r, g, b] = [r * 0.9, g * 0.9, b * 0.9];
    current = toHex([r, g, b]);
  }
  return current;
};
