// Learning-rate schedules, by epoch (0-based): start large and decrease
// (step decay, exponential decay, or 1/t as in stochastic approximation).
//   constant     lr0
//   step         lr0 * factor^floor(epoch / every)
//   exponential  lr0 * rate^epoch
//   inverseTime  lr0 / (1 + decay * epoch)

export type Schedule =
  | { kind: "constant" }
  | { kind: "step"; every: number; factor: number }
  | { kind: "exponential"; rate: number }
  | { kind: "inverseTime"; decay: number };

export function learningRateAt(schedule: Schedule, lr0: number, epoch: number): number {
  switch (schedule.kind) {
    case "constant":
      return lr0;
    case "step":
      return lr0 * schedule.factor ** Math.floor(epoch / schedule.every);
    case "exponential":
      return lr0 * schedule.rate ** epoch;
    case "inverseTime":
      return lr0 / (1 + schedule.decay * epoch);
  }
}

export function checkSchedule(s: Schedule): void {
  const bad = (what: string) => {
    throw new Error(`learning-rate schedule '${s.kind}': ${what}`);
  };
  if (s.kind === "step" && (!Number.isInteger(s.every) || s.every < 1 || !(s.factor > 0)))
    bad("needs every >= 1 (whole epochs) and factor > 0");
  if (s.kind === "exponential" && !(s.rate > 0)) bad("needs rate > 0");
  if (s.kind === "inverseTime" && !(s.decay >= 0)) bad("needs decay >= 0");
}
