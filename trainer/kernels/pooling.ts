// Max and average pooling over NHWC float32 images, forward and backward.
// A window (kh x kw, stride, padding) covers only the taps inside the image:
//   max:     y = the largest x in the window; dx gets dy at that tap (the
//            first largest, in the window's row-major order), 0 elsewhere
//   average: y = the mean over the taps inside the image (TFLite's
//            AVERAGE_POOL_2D with SAME padding divides by that count too);
//            dx gets dy / count at each of them
// `argmax` (i32 per output) keeps each maximum's input index for backward.

/** y and argmax for every output (b, oy, ox, ch); four channels at a time, then one by one. */
export function maxPoolForward(
  x: usize,
  y: usize,
  argmax: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  kh: i32,
  kw: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
): void {
  let out: i32 = 0;
  const lanes = i32x4(0, 1, 2, 3);
  for (let b = 0; b < batch; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kw, w);
        const first = image + (y0 * w + x0) * c;
        let ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          // The window's first tap, then a lane takes a later tap only when it is strictly larger.
          let best = v128.load(x + ((<usize>(first + ch)) << 2));
          let at = i32x4.add(i32x4.splat(first + ch), lanes);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const i = image + (iy * w + ix) * c + ch;
              const v = v128.load(x + ((<usize>i) << 2));
              const larger = f32x4.gt(v, best);
              best = v128.bitselect(v, best, larger);
              at = v128.bitselect(i32x4.add(i32x4.splat(i), lanes), at, larger);
            }
          }
          v128.store(y + ((<usize>(out + ch)) << 2), best);
          v128.store(argmax + ((<usize>(out + ch)) << 2), at);
        }
        for (; ch < c; ch++) {
          let best = load<f32>(x + ((<usize>(first + ch)) << 2));
          let at = first + ch;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const i = image + (iy * w + ix) * c + ch;
              const v = load<f32>(x + ((<usize>i) << 2));
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          store<f32>(y + ((<usize>(out + ch)) << 2), best);
          store<i32>(argmax + ((<usize>(out + ch)) << 2), at);
        }
        out += c;
      }
    }
  }
}

/** dx[argmax[o]] += dy[o] over `outputs` outputs; dx (inputs floats) overwritten. */
export function maxPoolBackward(dy: usize, argmax: usize, dx: usize, outputs: i32, inputs: i32): void {
  memory.fill(dx, 0, (<usize>inputs) << 2);
  for (let o = 0; o < outputs; o++) {
    const at = dx + ((<usize>load<i32>(argmax + ((<usize>o) << 2))) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dy + ((<usize>o) << 2)));
  }
}

/** y = the mean of each window's taps inside the image. */
export function averagePoolForward(
  x: usize,
  y: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  kh: i32,
  kw: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
): void {
  let out: usize = y;
  for (let b = 0; b < batch; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kw, w);
        const inverse: f32 = 1 / <f32>((y1 - y0) * (x1 - x0));
        for (let ch = 0; ch < c; ch++) {
          let sum: f32 = 0;
          for (let iy = y0; iy < y1; iy++)
            for (let ix = x0; ix < x1; ix++) sum += load<f32>(x + ((<usize>(image + (iy * w + ix) * c + ch)) << 2));
          store<f32>(out, sum * inverse);
          out += 4;
        }
      }
    }
  }
}

/** dx = dy / count spread over each window's taps inside the image (dx overwritten). */
export function averagePoolBackward(
  dy: usize,
  dx: usize,
  batch: i32,
  h: i32,
  w: i32,
  c: i32,
  kh: i32,
  kw: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  outH: i32,
  outW: i32,
): void {
  memory.fill(dx, 0, (<usize>(batch * h * w * c)) << 2);
  let out: usize = dy;
  for (let b = 0; b < batch; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(oy * strideH - padTop, 0);
      const y1 = min(oy * strideH - padTop + kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(ox * strideW - padLeft, 0);
        const x1 = min(ox * strideW - padLeft + kw, w);
        const share: f32 = 1 / <f32>((y1 - y0) * (x1 - x0)); // each tap's share of dy
        for (let ch = 0; ch < c; ch++) {
          const g = load<f32>(out) * share;
          for (let iy = y0; iy < y1; iy++)
            for (let ix = x0; ix < x1; ix++) {
              const at = dx + ((<usize>(image + (iy * w + ix) * c + ch)) << 2);
              store<f32>(at, load<f32>(at) + g);
            }
          out += 4;
        }
      }
    }
  }
}
