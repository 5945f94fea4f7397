// DepthwiseConv2D over NHWC float32 images: output channel o = c m + j (m the
// depth multiplier) filters input channel c alone, with W [k_h, k_w, C m]:
//   z[b, oy, ox, o] = bias[o] + sum_{ky, kx} W[ky, kx, o] x[b, iy, ix, o / m]
//   dW[ky, kx, o] = sum over (b, oy, ox) of dz[b, oy, ox, o] x[b, iy, ix, o / m]
//   dx[b, iy, ix, c] = sum over the taps and j of dz[b, oy, ox, c m + j] W[ky, kx, c m + j]
// with iy = oy s_h - p_t + ky d_h, ix = ox s_w - p_l + kx d_w; taps outside
// the image are skipped (zero padding). With m = 1 four channels go at once.

// @ts-ignore: decorator
@inline
function tapRow(oy: i32, ky: i32, strideH: i32, padTop: i32, dilationH: i32): i32 {
  return oy * strideH - padTop + ky * dilationH;
}

/** z = the depthwise convolution of x plus the bias (z overwritten). */
export function depthwiseForward(
  x: usize, w: usize, bias: usize, z: usize, batch: i32, h: i32, wd: i32, c: i32, m: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const oc = c * m;
  let out = z;
  for (let b = 0; b < batch; b++) {
    const image = x + (<usize>(b * h * wd * c) << 2);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        memory.copy(out, bias, <usize>oc << 2);
        for (let ky = 0; ky < kh; ky++) {
          const iy = tapRow(oy, ky, strideH, padTop, dilationH);
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix < 0 || ix >= wd) continue;
            const px = image + (<usize>((iy * wd + ix) * c) << 2);
            const wt = w + (<usize>((ky * kw + kx) * oc) << 2);
            let o = 0;
            if (m == 1) {
              for (; o + 4 <= oc; o += 4) {
                const at = <usize>o << 2;
                v128.store(out + at, f32x4.add(v128.load(out + at), f32x4.mul(v128.load(wt + at), v128.load(px + at))));
              }
            }
            for (; o < oc; o++) {
              const at = <usize>o << 2;
              store<f32>(out + at, load<f32>(out + at) + load<f32>(wt + at) * load<f32>(px + (<usize>(o / m) << 2)));
            }
          }
        }
        out += <usize>oc << 2;
      }
    }
  }
}

/** dW (overwritten) and, when dx is not 0, dx (overwritten) from dz. */
export function depthwiseBackward(
  dz: usize, x: usize, w: usize, dw: usize, dx: usize, batch: i32, h: i32, wd: i32, c: i32, m: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const oc = c * m;
  memory.fill(dw, 0, <usize>(kh * kw * oc) << 2);
  if (dx != 0) memory.fill(dx, 0, <usize>(batch * h * wd * c) << 2);
  let g = dz;
  for (let b = 0; b < batch; b++) {
    const offset = <usize>(b * h * wd * c) << 2;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = tapRow(oy, ky, strideH, padTop, dilationH);
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix < 0 || ix >= wd) continue;
            const pixel = offset + (<usize>((iy * wd + ix) * c) << 2);
            const tap = <usize>((ky * kw + kx) * oc) << 2;
            let o = 0;
            if (m == 1) {
              for (; o + 4 <= oc; o += 4) {
                const at = <usize>o << 2;
                const vg = v128.load(g + at);
                v128.store(
                  dw + tap + at,
                  f32x4.add(v128.load(dw + tap + at), f32x4.mul(vg, v128.load(x + pixel + at))),
                );
                if (dx != 0) {
                  const d = dx + pixel + at;
                  v128.store(d, f32x4.add(v128.load(d), f32x4.mul(vg, v128.load(w + tap + at))));
                }
              }
            }
            for (; o < oc; o++) {
              const at = <usize>o << 2;
              const ic = <usize>(o / m) << 2;
              const vg = load<f32>(g + at);
              store<f32>(dw + tap + at, load<f32>(dw + tap + at) + vg * load<f32>(x + pixel + ic));
              if (dx != 0) store<f32>(dx + pixel + ic, load<f32>(dx + pixel + ic) + vg * load<f32>(w + tap + at));
            }
          }
        }
        g += <usize>oc << 2;
      }
    }
  }
}
