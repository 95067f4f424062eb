"""Piper's decoder rewritten with 2-D convolutions, which onnxruntime runs faster.

Most of a Piper voice's time goes to its decoder (VITS's HiFi-GAN): 1-D
convolutions over the audio, many of them dilated. onnxruntime runs 1-D
convolutions as im2col + matrix products; 2-D ones, at its highest
optimisation level, in its blocked "NCHWc" layout, with direct kernels for the
processor's vector width that suit dilated convolutions far better. So the
decoder is given a height of 1: its inputs (Piper's are [N, C, T]) are
unsqueezed to [N, C, 1, T], each convolution's kernel becomes [1, K], and its
outputs are squeezed back. The arithmetic is the same; only the order of the
additions changes (outputs agree to ~1e-7). Speaking a third of the reference
article with the medium bench voice on one thread took 2.9 CPU-s instead of
3.4 (bench/bench.py measures the build as a whole).

Only a decoder made of the operations below is rewritten; any other graph is
left as it is. piper_engine also checks that the rewritten voice speaks like
the original before keeping it.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

DECODER_PREFIX = "/dec/"
"""Node names of the decoder in Piper's exported voices (piper.train's export)."""

_CONVOLUTIONS = {"Conv", "ConvTranspose"}
_ELEMENTWISE = {"Add", "Sub", "Mul", "Div", "LeakyRelu", "Relu", "Tanh", "Sigmoid"}
_AXES = "audio_artigo/height_axis"


def rewrite_decoder_as_2d(model: onnx.ModelProto) -> bool:
    """Rewrite ``model``'s decoder in place with 2-D convolutions; False (model untouched) if it does not qualify."""
    graph = model.graph
    decoder = [node for node in graph.node if _in_decoder(node)]
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    if not decoder or not all(_qualifies(node, initializers) for node in decoder):
        return False
    produced = {name for node in decoder for name in node.output}
    external = {name for node in decoder for name in node.input if name and name not in produced and name not in initializers}
    used_outside = {name for node in graph.node if not _in_decoder(node) for name in node.input}
    leaving = produced & (used_outside | {output.name for output in graph.output})

    for node in decoder:
        if node.op_type in _CONVOLUTIONS:
            _convolution_as_2d(node)
    for name in {node.input[1] for node in decoder if node.op_type in _CONVOLUTIONS}:
        weights = initializers[name]
        weights.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weights)[:, :, np.newaxis, :], name))
    height_node = _height_nodes(model)

    # Tensors entering the decoder get a height of 1 just before their first
    # use; tensors leaving it lose it just after they are made.
    in_2d = {name: f"{name}/2d" for name in external | leaving}
    unsqueezed: set[str] = set()
    nodes = []
    for node in graph.node:
        if not _in_decoder(node):
            nodes.append(node)
            continue
        for name in node.input:
            if name in external and name not in unsqueezed:
                unsqueezed.add(name)
                nodes.append(height_node("Unsqueeze", name, in_2d[name]))
        outputs = list(node.output)
        node.input[:] = [in_2d.get(name, name) for name in node.input]
        node.output[:] = [in_2d.get(name, name) for name in outputs]
        nodes.append(node)
        nodes += [height_node("Squeeze", in_2d[name], name) for name in outputs if name in leaving]
    del graph.node[:]
    graph.node.extend(nodes)
    # The shapes recorded for the decoder's tensors are those of the 1-D graph.
    kept = [info for info in graph.value_info if info.name not in produced]
    del graph.value_info[:]
    graph.value_info.extend(kept)
    return True


def _height_nodes(model: onnx.ModelProto):
    """A maker of the (Un)Squeeze nodes that add or remove axis 2, in the form of the model's opset."""
    opset = next((entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx")), 13)
    if opset >= 13:  # the axes are an input
        model.graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), _AXES))
        return lambda op, source, target: helper.make_node(op, [source, _AXES], [target], name=f"{target}/{op}")
    return lambda op, source, target: helper.make_node(op, [source], [target], name=f"{target}/{op}", axes=[2])


def _in_decoder(node: onnx.NodeProto) -> bool:
    return node.name.startswith(DECODER_PREFIX)


def _qualifies(node: onnx.NodeProto, initializers: dict) -> bool:
    attributes = {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}
    if node.op_type in _CONVOLUTIONS:
        weights = initializers.get(node.input[1])
        return (
            weights is not None
            and len(weights.dims) == 3
            and attributes.get("auto_pad", b"NOTSET") == b"NOTSET"
            and "output_shape" not in attributes
        )
    if node.op_type == "Constant":
        value = attributes.get("value")
        return value is not None and int(np.prod(value.dims)) == 1
    if node.op_type in _ELEMENTWISE:
        # A constant operand must be a scalar: a per-channel one would broadcast differently in 2-D.
        return all(int(np.prod(initializers[name].dims)) == 1 for name in node.input if name in initializers)
    return False


_HEIGHT_VALUES = {"kernel_shape": 1, "dilations": 1, "strides": 1, "output_padding": 0}
"""What each per-axis attribute of a convolution says of the new height axis."""


def _convolution_as_2d(node: onnx.NodeProto) -> None:
    for attribute in node.attribute:
        if attribute.name in _HEIGHT_VALUES:
            attribute.ints[:] = [_HEIGHT_VALUES[attribute.name], *attribute.ints]
        elif attribute.name == "pads":
            begin, end = attribute.ints
            attribute.ints[:] = [0, begin, 0, end]
