// The convolution's data movement, so a Conv2D layer runs on the GEMM
// kernels (gemm.ts). Images are NHWC float32 rows; a "column" row holds the
// receptive field of one output pixel in the filter's order (ky, kx, c), so
//   forward:  cols = im2col(x),  z[rows, Cout] = cols W^T   (W [Cout, KH, KW, Cin])
//   backward: dW = dz^T cols,  dcols = dz W,  dx = col2im(dcols)
// Taps outside the image (zero padding) read 0 and take no gradient.
// Geometry: output pixel (oy, ox), tap (ky, kx) reads input row
// oy * strideH - padTop + ky * dilationH and column ox * strideW - padLeft + kx * dilationW.

/** Copies n floats, four lanes at a time. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[i] += src[i] over n floats. */
// @ts-ignore: decorator
@inline
function addFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/** cols[(b, oy, ox)][(ky, kx, c)] = x[b][iy][ix][c], or 0 outside the image. */
export function im2col(
  x: usize, cols: usize, batch: i32, h: i32, w: i32, c: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const tapBytes = <usize>c << 2;
  const runBytes = <usize>kw * tapBytes; // one filter row's taps
  let dst = cols;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * h * w) * tapBytes;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - padLeft;
        // Undilated and inside the image's width: a filter row's taps are one contiguous run of the input row.
        const wholeRow = dilationW == 1 && ix0 >= 0 && ix0 + kw <= w;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= h) {
            memory.fill(dst, 0, runBytes);
            dst += runBytes;
            continue;
          }
          const row = image + <usize>(iy * w) * tapBytes;
          if (wholeRow) {
            copyFloats(dst, row + <usize>ix0 * tapBytes, kw * c);
            dst += runBytes;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dilationW;
            if (ix >= 0 && ix < w) copyFloats(dst, row + <usize>ix * tapBytes, c);
            else for (let i = 0; i < c; i++) store<f32>(dst + (<usize>i << 2), 0);
            dst += tapBytes;
          }
        }
      }
    }
  }
}

/** dx = the sum, over every output pixel and tap that read x[b][iy][ix][c], of dcols there (dx overwritten). */
export function col2im(
  dcols: usize, dx: usize, batch: i32, h: i32, w: i32, c: i32,
  kh: i32, kw: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const tapBytes = <usize>c << 2;
  memory.fill(dx, 0, <usize>(batch * h * w) * tapBytes);
  let src = dcols;
  for (let b = 0; b < batch; b++) {
    const image = dx + <usize>(b * h * w) * tapBytes;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          const rowInside = iy >= 0 && iy < h;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (rowInside && ix >= 0 && ix < w) {
              const at = image + <usize>(iy * w + ix) * tapBytes;
              if (c == 1) store<f32>(at, load<f32>(at) + load<f32>(src));
              else addFloats(at, src, c);
            }
            src += tapBytes;
          }
        }
      }
    }
  }
}
