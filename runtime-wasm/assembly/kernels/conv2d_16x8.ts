// CONV_2D with int16 activations and int8 weights (16x8): TFLM's reference
// loop, taps outside the image skipped, accumulating in int64 or int32 as
// the bias type says (TFLM's conv.cc: an int64 bias takes the int64
// accumulator and the 64-bit requantisation; an int32 bias, or none, the
// int32 ones).

import { ConvData } from "../ops_common/conv_data";
import { multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from "../fixedpoint";

/** 16x8: TFLM's reference loop, taps outside the image skipped. */
export function conv16x8(d: ConvData, x: usize, w: usize, bias: usize, y: usize): void {
  const fpg = d.filtersPerGroup;
  for (let b = 0; b < d.batches; b++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const iy0 = oy * d.strideH - d.padH;
      for (let ox = 0; ox < d.outW; ox++) {
        const ix0 = ox * d.strideW - d.padW;
        const out = y + ((<usize>(((b * d.outH + oy) * d.outW + ox) * d.outC)) << 1);
        for (let c = 0; c < d.outC; c++) {
          const g = c / fpg;
          let acc64: i64 = 0;
          let acc32: i32 = 0;
          for (let fy = 0; fy < d.kH; fy++) {
            const iy = iy0 + fy * d.dilationH;
            if (iy < 0 || iy >= d.inH) continue;
            for (let fx = 0; fx < d.kW; fx++) {
              const ix = ix0 + fx * d.dilationW;
              if (ix < 0 || ix >= d.inW) continue;
              const xp = x + ((<usize>(((b * d.inH + iy) * d.inW + ix) * d.inC + g * d.kC)) << 1);
              const wp = w + <usize>(((c * d.kH + fy) * d.kW + fx) * d.kC);
              for (let k = 0; k < d.kC; k++) {
                const p = <i32>load<i8>(wp + <usize>k) * <i32>load<i16>(xp + ((<usize>k) << 1));
                if (d.accumulate64 != 0) acc64 += <i64>p;
                else acc32 += p;
              }
            }
          }
          let scaled: i32;
          const m = load<i32>(d.multipliers + ((<usize>c) << 2));
          const s = load<i32>(d.shifts + ((<usize>c) << 2));
          if (d.accumulate64 != 0) {
            if (bias != 0) acc64 += load<i64>(bias + ((<usize>c) << 3));
            scaled = multiplyByQuantizedMultiplier64(acc64, m, s);
          } else {
            if (bias != 0) acc32 += load<i32>(bias + ((<usize>c) << 2));
            scaled = multiplyByQuantizedMultiplier(acc32, m, s);
          }
          store<i16>(out + ((<usize>c) << 1), <i16>min(max(scaled, d.actMin), d.actMax));
        }
      }
    }
  }
}
