// The optimiser's and the learning-rate schedule's option checks at their
// edges: each bound's last accepted value is accepted, the first refused
// one refused with its message (a check that moved by one, or lost a clause,
// fails here; trainings with sensible options never see it).
import { describe, it, expect } from "vitest";
import { Optimizer, type OptimizerName, type OptimizerOptions } from "../../trainer/optimizers.ts";
import { checkSchedule, type Schedule } from "../../trainer/schedules.ts";

/** An Optimizer from options as a config file may give them (an unknown name included). */
const optimizer = (options: Omit<Partial<OptimizerOptions>, "name"> & { name: string }) => () =>
  new Optimizer(options as OptimizerOptions);

describe("optimizer options", () => {
  it("an unknown name is refused, listing the known ones", () => {
    expect(optimizer({ name: "adagrad" })).toThrow(
      "unknown optimizer 'adagrad' (known: sgd, momentum, nesterov, rmsprop, adam)",
    );
    for (const name of ["sgd", "momentum", "nesterov", "rmsprop", "adam"] as OptimizerName[])
      expect(optimizer({ name })).not.toThrow();
  });

  it("the learning rate must be above 0", () => {
    expect(optimizer({ name: "sgd", learningRate: 0 })).toThrow("learning rate must be positive, got 0");
    expect(optimizer({ name: "sgd", learningRate: Number.NaN })).toThrow("learning rate must be positive, got NaN");
    expect(optimizer({ name: "sgd", learningRate: 1e-12 })).not.toThrow();
  });

  it("momentum, rho, beta1 and beta2 must be in [0, 1): 0 is accepted, 1 and below 0 refused", () => {
    for (const k of ["momentum", "rho", "beta1", "beta2"] as const) {
      expect(optimizer({ name: "adam", [k]: 0 }), k).not.toThrow();
      expect(optimizer({ name: "adam", [k]: 0.999999 }), k).not.toThrow();
      expect(optimizer({ name: "adam", [k]: 1 }), k).toThrow(`${k} must be in [0, 1), got 1`);
      expect(optimizer({ name: "adam", [k]: -0.1 }), k).toThrow(`${k} must be in [0, 1), got -0.1`);
    }
  });
});

describe("learning-rate schedule options", () => {
  const check = (s: Schedule) => () => checkSchedule(s);

  it("step: every a whole number from 1, factor above 0", () => {
    const message = "learning-rate schedule 'step': needs every >= 1 (whole epochs) and factor > 0";
    expect(check({ kind: "step", every: 1, factor: 0.5 })).not.toThrow();
    expect(check({ kind: "step", every: 0, factor: 0.5 })).toThrow(message);
    expect(check({ kind: "step", every: 1.5, factor: 0.5 })).toThrow(message);
    expect(check({ kind: "step", every: 2, factor: 0 })).toThrow(message);
    expect(check({ kind: "step", every: 2, factor: 1e-9 })).not.toThrow();
  });

  it("exponential: rate above 0", () => {
    expect(check({ kind: "exponential", rate: 0 })).toThrow("learning-rate schedule 'exponential': needs rate > 0");
    expect(check({ kind: "exponential", rate: 1e-9 })).not.toThrow();
  });

  it("inverseTime: decay from 0", () => {
    expect(check({ kind: "inverseTime", decay: -1e-9 })).toThrow(
      "learning-rate schedule 'inverseTime': needs decay >= 0",
    );
    expect(check({ kind: "inverseTime", decay: 0 })).not.toThrow();
    expect(check({ kind: "constant" })).not.toThrow();
  });
});
