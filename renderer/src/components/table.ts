// The virtualised tables (fleet, accounts) are real tables: the body scrolls and renders only the rows in
// view, absolutely placed. It still has to be as tall as every row together to scroll right; a spacer
// row would be one more row to a screen reader, so the height goes to an empty ::before (styles.css).
import type { CSSProperties } from "react";

export function rowsHeight(px: number): CSSProperties {
  return { "--rows-height": `${px}px` } as CSSProperties;
}
