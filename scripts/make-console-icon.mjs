// Draws the console's application icon, build/console/icon.png (1024×1024, RGBA): a rounded navy
// square with a white "E" of three bars and a green status light. electron-builder derives the macOS
// .icns, the Windows .ico and the Linux sizes from it, so this one file is the source of every icon.
// Run it again (`node scripts/make-console-icon.mjs`) after changing the drawing; the output is
// deterministic, so an unchanged drawing leaves the committed file byte-identical.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { root } from "./setup.mjs";

const SIZE = 1024;
const SAMPLES = 4; // per axis: 16 samples per pixel smooth the edges

function inRoundedRect(x, y, left, top, right, bottom, radius) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

const bars = [
  [300, 260, 390, 764], // the E's spine
  [300, 260, 724, 350],
  [300, 467, 650, 557],
  [300, 674, 724, 764],
];
const light = { x: 724, y: 512, r: 62 };

/** The colour at one point, or undefined outside the icon (transparent). */
function paint(x, y) {
  if (!inRoundedRect(x, y, 40, 40, 984, 984, 200)) return undefined;
  if (bars.some(([l, t, r, b]) => inRoundedRect(x, y, l, t, r, b, 18))) return [255, 255, 255];
  if ((x - light.x) ** 2 + (y - light.y) ** 2 <= light.r ** 2) return [52, 211, 153];
  const t = (x + y) / (2 * SIZE); // a diagonal navy gradient
  return [Math.round(20 + 18 * t), Math.round(36 + 40 * t), Math.round(72 + 60 * t)];
}

const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  const row = y * (SIZE * 4 + 1);
  rows[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const colour = paint(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        if (!colour) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        covered++;
      }
    }
    const at = row + 1 + x * 4;
    if (covered > 0) {
      rows[at] = Math.round(r / covered);
      rows[at + 1] = Math.round(g / covered);
      rows[at + 2] = Math.round(b / covered);
    }
    rows[at + 3] = Math.round((255 * covered) / SAMPLES ** 2);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(rows, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
const out = join(root, "build", "console", "icon.png");
writeFileSync(out, png);
process.stdout.write(`${out} (${png.length} bytes)\n`);
