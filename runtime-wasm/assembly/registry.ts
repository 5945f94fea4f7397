// The operator table: one place that maps a builtin operator code to its
// prepare (validate, precompute, request scratch) and eval (compute only).

import { Operator } from "./graph";
import * as S from "./schema";
import { ERR_UNSUPPORTED_OPERATOR } from "./status";
import { opFail } from "./ops/common";
import * as fullyConnected from "./ops/fully_connected";
import * as add from "./ops/add";
import * as sub from "./ops/sub";
import * as mul from "./ops/mul";
import * as relu from "./ops/relu";
import * as relu6 from "./ops/relu6";
import * as leakyRelu from "./ops/leaky_relu";
import * as prelu from "./ops/prelu";
import * as logistic from "./ops/logistic";
import * as tanh from "./ops/tanh";
import * as softmax from "./ops/softmax";
import * as quantize from "./ops/quantize";
import * as dequantize from "./ops/dequantize";
import * as reshape from "./ops/reshape";
import * as conv2d from "./ops/conv2d";
import * as depthwiseConv2d from "./ops/depthwise_conv2d";
import * as maxPool2d from "./ops/max_pool_2d";
import * as averagePool2d from "./ops/average_pool_2d";
import * as pad from "./ops/pad";
import * as padv2 from "./ops/padv2";
import * as concatenation from "./ops/concatenation";
import * as mean from "./ops/mean";
import * as lstm from "./ops/unidirectional_sequence_lstm";
import * as rnn from "./ops/unidirectional_sequence_rnn";

export function prepareOperator(op: Operator): bool {
  switch (op.code) {
    case S.OP_FULLY_CONNECTED: return fullyConnected.prepare(op);
    case S.OP_ADD: return add.prepare(op);
    case S.OP_SUB: return sub.prepare(op);
    case S.OP_MUL: return mul.prepare(op);
    case S.OP_RELU: return relu.prepare(op);
    case S.OP_RELU6: return relu6.prepare(op);
    case S.OP_LEAKY_RELU: return leakyRelu.prepare(op);
    case S.OP_PRELU: return prelu.prepare(op);
    case S.OP_LOGISTIC: return logistic.prepare(op);
    case S.OP_TANH: return tanh.prepare(op);
    case S.OP_SOFTMAX: return softmax.prepare(op);
    case S.OP_QUANTIZE: return quantize.prepare(op);
    case S.OP_DEQUANTIZE: return dequantize.prepare(op);
    case S.OP_RESHAPE: return reshape.prepare(op);
    case S.OP_CONV_2D: return conv2d.prepare(op);
    case S.OP_DEPTHWISE_CONV_2D: return depthwiseConv2d.prepare(op);
    case S.OP_MAX_POOL_2D: return maxPool2d.prepare(op);
    case S.OP_AVERAGE_POOL_2D: return averagePool2d.prepare(op);
    case S.OP_PAD: return pad.prepare(op);
    case S.OP_PADV2: return padv2.prepare(op);
    case S.OP_CONCATENATION: return concatenation.prepare(op);
    case S.OP_MEAN: return mean.prepare(op);
    case S.OP_UNIDIRECTIONAL_SEQUENCE_LSTM: return lstm.prepare(op);
    case S.OP_UNIDIRECTIONAL_SEQUENCE_RNN: return rnn.prepare(op);
  }
  return opFail(ERR_UNSUPPORTED_OPERATOR, "operator is not supported by wasmlite");
}

export function evalOperator(op: Operator): void {
  switch (op.code) {
    case S.OP_FULLY_CONNECTED: fullyConnected.evaluate(op); return;
    case S.OP_ADD: add.evaluate(op); return;
    case S.OP_SUB: sub.evaluate(op); return;
    case S.OP_MUL: mul.evaluate(op); return;
    case S.OP_RELU: relu.evaluate(op); return;
    case S.OP_RELU6: relu6.evaluate(op); return;
    case S.OP_LEAKY_RELU: leakyRelu.evaluate(op); return;
    case S.OP_PRELU: prelu.evaluate(op); return;
    case S.OP_LOGISTIC: logistic.evaluate(op); return;
    case S.OP_TANH: tanh.evaluate(op); return;
    case S.OP_SOFTMAX: softmax.evaluate(op); return;
    case S.OP_QUANTIZE: quantize.evaluate(op); return;
    case S.OP_DEQUANTIZE: dequantize.evaluate(op); return;
    case S.OP_RESHAPE: reshape.evaluate(op); return;
    case S.OP_CONV_2D: conv2d.evaluate(op); return;
    case S.OP_DEPTHWISE_CONV_2D: depthwiseConv2d.evaluate(op); return;
    case S.OP_MAX_POOL_2D: maxPool2d.evaluate(op); return;
    case S.OP_AVERAGE_POOL_2D: averagePool2d.evaluate(op); return;
    case S.OP_PAD: pad.evaluate(op); return;
    case S.OP_PADV2: padv2.evaluate(op); return;
    case S.OP_CONCATENATION: concatenation.evaluate(op); return;
    case S.OP_MEAN: mean.evaluate(op); return;
    case S.OP_UNIDIRECTIONAL_SEQUENCE_LSTM: lstm.evaluate(op); return;
    case S.OP_UNIDIRECTIONAL_SEQUENCE_RNN: rnn.evaluate(op); return;
  }
}
