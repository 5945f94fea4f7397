// A drawing on a canvas to the 28x28 image an MNIST model expects, the way
// MNIST itself was made: the ink's bounding box scaled (aspect kept) to fit
// 20x20 by area averaging, placed in a 28x28 field, then shifted so the
// centre of mass sits at the field's centre. Light ink on dark, in [0, 1].
// Pure: takes RGBA pixels (ImageData's layout), so Node tests can call it.

export const SIDE = 28;
const BOX = 20;
/** Brightness above which a canvas pixel counts as ink for the bounding box. */
const INK = 0.05;

export interface Pixels {
  readonly data: Uint8ClampedArray | Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The 784 values in row-major order, or null when nothing is drawn. */
export function toMnistImage(pixels: Pixels): Float32Array | null {
  const { data, width, height } = pixels;
  const brightness = (x: number, y: number) => {
    const i = 4 * (y * width + x);
    return (data[i]! + data[i + 1]! + data[i + 2]!) / (3 * 255);
  };
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (brightness(x, y) > INK) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const boxWidth = right - left + 1;
  const boxHeight = bottom - top + 1;
  const scale = BOX / Math.max(boxWidth, boxHeight);
  const targetWidth = Math.max(1, Math.round(boxWidth * scale));
  const targetHeight = Math.max(1, Math.round(boxHeight * scale));

  // Area averaging: each target pixel is the mean of the source pixels whose
  // centres fall in its footprint (the nearest one when the drawing is smaller
  // than the box and a footprint holds none).
  const image = new Float32Array(SIDE * SIDE);
  const offsetX = Math.floor((SIDE - targetWidth) / 2);
  const offsetY = Math.floor((SIDE - targetHeight) / 2);
  for (let ty = 0; ty < targetHeight; ty++) {
    const y0 = top + ty / scale;
    const y1 = top + (ty + 1) / scale;
    for (let tx = 0; tx < targetWidth; tx++) {
      const x0 = left + tx / scale;
      const x1 = left + (tx + 1) / scale;
      let sum = 0;
      let count = 0;
      for (let y = Math.ceil(y0 - 0.5); y + 0.5 < y1 && y <= bottom; y++) {
        for (let x = Math.ceil(x0 - 0.5); x + 0.5 < x1 && x <= right; x++) {
          sum += brightness(x, y);
          count++;
        }
      }
      if (count === 0) {
        sum = brightness(Math.min(right, Math.floor((x0 + x1) / 2)), Math.min(bottom, Math.floor((y0 + y1) / 2)));
        count = 1;
      }
      image[(offsetY + ty) * SIDE + offsetX + tx] = sum / count;
    }
  }
  return centreOfMassShifted(image);
}

/** Moves the image by whole pixels so its centre of mass lands on the field's centre (13.5, 13.5). */
function centreOfMassShifted(image: Float32Array): Float32Array {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = image[y * SIDE + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const dx = Math.round((SIDE - 1) / 2 - mx / mass);
  const dy = Math.round((SIDE - 1) / 2 - my / mass);
  const shifted = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE) shifted[y * SIDE + x] = image[sy * SIDE + sx]!;
    }
  }
  return shifted;
}
